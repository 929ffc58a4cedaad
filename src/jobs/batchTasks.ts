/**
 * Every batch task by name: what a pool thread (src/worker/poolWorker.ts) looks a task up by.
 * A task's `name` is its key here; a task missing from this table can only run in one thread.
 */
import { calibrationTask } from '../quantize/calibrate';
import { compareTask } from './compare';
import { evaluateTask } from './evaluate';

export const BATCH_TASKS = {
  [calibrationTask.name]: calibrationTask,
  [compareTask.name]: compareTask,
  [evaluateTask.name]: evaluateTask,
} as const;
