import {definePlugin} from '@codex-ml/core';

export default definePlugin((registry) => {
  registry.register('executor', 'local', {
    description: 'Shards run in worker processes on this machine (executor.processes at once); the default',
    module: new URL('../local/local-executor.js', import.meta.url).href,
    export: 'LocalExecutor',
  });
  registry.register('executor', 'bullmq', {
    description: 'Shards queued on Redis with BullMQ (executor.bullmq.url); codex worker on any machine runs them',
    module: new URL('../bullmq/bullmq-executor.js', import.meta.url).href,
    export: 'BullmqExecutor',
    config: {
      url: {doc: 'Redis URL (redis://[user:password@]host:6379/0). Shown masked.', default: 'redis://127.0.0.1:6379', sensitive: true},
      queue: {doc: 'Queue name; commands and their workers share it.', default: 'codex-ml-shards'},
      lockMs: {
        doc: 'A job whose worker stops renewing its lock for this long (the worker died) goes to another worker.',
        default: 30000,
        type: 'integer',
        minimum: 1,
      },
    },
  });
});
