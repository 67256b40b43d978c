import {createHash} from 'node:crypto';
import {mkdir} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {
  type Executor,
  type JobRunnerSpec,
  type Kernel,
  type Registry,
  type ResolvedConfig,
  type ShardJob,
  canonicalJson,
  fileError,
} from '@codex-ml/core';
import type {ShardPayload, ShardTask} from './shard-tasks.js';

/**
 * The coordinator's side of sharded work: cuts a command into `executor.shards` jobs, runs them on the
 * configured executor and returns each shard's result in shard order. Each job's output file is named by the
 * content address of the job (task, shard, config, working directory), so a retried or repeated job rewrites
 * the same file with the same bytes.
 */
export class ShardedWork {
  constructor(private readonly kernel: Kernel) {}

  /** How many shards config asks for; 1 means the command runs unsharded. */
  get shards(): number {
    return this.kernel.config.get<number>('executor.shards');
  }

  async run<T>(
    task: ShardTask,
    extras: Pick<ShardPayload, 'record' | 'allowDrift'>,
    onProgress?: (done: number, total: number) => void,
  ): Promise<T[]> {
    const {config} = this.kernel;
    const executor = await this.kernel.bind('executor');
    const dir = resolve(config.get<string>('executor.dir') || join(config.get<string>('cache.dir'), 'shards'));
    await mkdir(dir, {recursive: true}).catch((error: unknown) => {
      throw fileError(dir, error, 'create directory');
    });
    const count = this.shards;
    const sets = configSets(config);
    const jobs: ShardJob[] = Array.from({length: count}, (_, index) => {
      const shard = {index, count};
      const identity = {task, shard, cwd: process.cwd(), sets, ...extras};
      const key = `sha256:${createHash('sha256').update(canonicalJson(identity)).digest('hex')}`;
      const out = join(dir, `${task}-${key.slice(7, 39)}-${index}of${count}.json`);
      const payload: ShardPayload = {cwd: process.cwd(), sets, out, ...extras};
      return {task, key, shard, payload: {...payload}};
    });
    return (await (executor as Executor).run(jobs, shardJobRunner(this.kernel.registry), {onProgress})) as T[];
  }
}

/** How a worker process builds the shard job handler: this CLI's runner, with the registered backends. */
export function shardJobRunner(registry: Registry): JobRunnerSpec {
  return {module: new URL('./shard-job-runner.js', import.meta.url).href, export: 'ShardJobRunner', context: {backends: registry.list()}};
}

/**
 * The config as `key=value` overrides that rebuild it elsewhere: every key not at its default, except the
 * executor's own (a shard does not shard again) and credentials (which must not travel through a queue).
 */
export function configSets(config: ResolvedConfig): string[] {
  const sets: string[] = [];
  for (const [key, source] of config.sources) {
    if (source.kind === 'default' || key.startsWith('executor.') || config.sensitiveKeys.has(key)) continue;
    const value = config.get(key);
    sets.push(`${key}=${typeof value === 'string' ? value : value === null ? 'null' : JSON.stringify(value)}`);
  }
  return sets.sort();
}
