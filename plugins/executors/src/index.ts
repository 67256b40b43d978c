export {LocalExecutor, type LocalExecutorOptions} from './local/local-executor.js';
export {BullmqExecutor, type BullmqExecutorOptions} from './bullmq/bullmq-executor.js';
