/** `npm run bench`: every benchmark, one after the other, in one process. */
import { analysisBench } from './analysisBench';
import { runtimeBench } from './runtimeBench';
import { quantizeBench } from './quantizeBench';
import { ptqBench } from './ptqBench';
import { optimizeBench } from './optimizeBench';
import { poolBench } from './poolBench';

async function main(): Promise<void> {
  await analysisBench();
  await runtimeBench();
  await quantizeBench();
  await ptqBench();
  await optimizeBench();
  await poolBench();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
