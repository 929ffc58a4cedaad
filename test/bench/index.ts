/** `npm run bench`: every benchmark, one after the other, in one process. */
import { analysisBench } from './analysisBench';

async function main(): Promise<void> {
  await analysisBench();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
