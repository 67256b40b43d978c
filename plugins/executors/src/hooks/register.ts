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
  });
});
