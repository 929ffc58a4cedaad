/**
 * Run as its own process by pool.test.ts: a batch on 2 threads that never ends is cancelled
 * after its first sample; the script prints what the batch rejected with and does nothing
 * else, so the process exits only if no pool thread is left.
 */
import { join } from 'node:path';
import { errorCode } from '../../src/errors';
import { poolRunner } from '../../src/worker/pool';
import { spinTask } from './poolTasks';

let stop = false;
// The calling thread stays out of the folding: a task that never looks at shouldStop would hold it.
poolRunner({ threads: 2, script: join(__dirname, 'poolTestWorker.js'), callerFolds: false })(spinTask, {
  setup: {},
  count: 8,
  merge: () => undefined,
  shouldStop: () => stop,
  progress: () => {
    stop = true;
  },
}).then(
  () => console.log('finished'),
  (e: unknown) => console.log(errorCode(e)),
);
