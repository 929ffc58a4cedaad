/** A pool thread serving the test tasks (poolTasks.ts). */
import { servePool } from '../../src/worker/poolThread';
import { TEST_TASKS } from './poolTasks';

servePool(TEST_TASKS);
