/** The pool thread's entry point (dist/poolWorker.js): it serves the batch tasks of src/jobs/batchTasks.ts. */
import { BATCH_TASKS } from '../jobs/batchTasks';
import { servePool } from './poolThread';

servePool(BATCH_TASKS);
