import {existsSync} from 'node:fs';
import {
  CodexError,
  ExitCode,
  type JobHandler,
  Kernel,
  type RegisteredBackend,
  ConfigSchema,
  Registry,
  type ShardJob,
  configSchema,
  resolveConfig,
} from '@codex-ml/core';
import {prepareDataRequest} from '../data/prepare-data-request.js';
import {PrepareDataService} from '../data/prepare-data-service.js';
import {TokenizerTrainingService} from '../tokenization/tokenizer-training-service.js';
import {readTrainingSettings} from '../tokenization/tokenizer-settings.js';
import {SHARD_TASKS, readShardPayload} from './shard-tasks.js';

/**
 * Runs one shard job in whatever process an executor chose (a local worker process, `codex worker` on another
 * machine): rebuilds the command's config from the job, does the shard's work through the same services the
 * `--shard` flags use, and returns their result. Shards never record runs, so the manifest store is the plain
 * `fs` one whatever the command used (and no credential travels with a job).
 */
export function shardJobHandler(registry: Registry): JobHandler {
  return async (job: ShardJob) => {
    const payload = readShardPayload(job.payload);
    if (existsSync(payload.cwd)) process.chdir(payload.cwd);
    const config = resolveConfig({sets: [...payload.sets, 'manifest.store=fs'], env: {}, schema: registry.schema});
    const kernel = new Kernel(registry, config);
    try {
      switch (job.task) {
        case SHARD_TASKS.data: {
          for (const contract of ['hasher', 'splitter', 'manifest-store'] as const) await kernel.bind(contract);
          const request = await prepareDataRequest(config, {reuse: false, tools: {}, config: payload.record});
          return await kernel.resolve(PrepareDataService).prepareShard(request, job.shard, payload.out);
        }
        case SHARD_TASKS.tokenizer: {
          for (const contract of ['hasher', 'tokenizer', 'manifest-store'] as const) await kernel.bind(contract);
          const settings = readTrainingSettings(config);
          return await kernel
            .resolve(TokenizerTrainingService)
            .countShard({settings, shard: job.shard, out: payload.out, allowDrift: payload.allowDrift});
        }
        default:
          throw new CodexError('E_SHARD', `unknown shard task "${job.task}"`, {
            hint: `this codex runs ${Object.values(SHARD_TASKS).join(', ')}; upgrade the worker`,
            exitCode: ExitCode.usage,
          });
      }
    } finally {
      await kernel.dispose();
    }
  };
}

/**
 * The runner a local executor's worker processes load (`JobRunnerSpec`). They have no oclif plugins of their
 * own, so the coordinator passes its registered backends along.
 */
export const ShardJobRunner = {
  create(context: Readonly<Record<string, unknown>>): JobHandler {
    // Core's keys first, as the CLI's registry has them; each backend's own keys come with its registration.
    const registry = new Registry(new ConfigSchema(configSchema));
    for (const backend of (context.backends ?? []) as RegisteredBackend[]) {
      registry.add(backend.contract, backend.name, backend.spec, {
        plugin: backend.plugin,
        version: backend.version,
        apiRange: backend.apiRange,
      });
    }
    return shardJobHandler(registry);
  },
};
