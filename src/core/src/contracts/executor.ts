import type {Shard} from '../sharding/shard.js';

/** DI token of the executor contract (see `Hasher` for why `Symbol.for`). */
export const Executor = Symbol.for('codex-ml.Executor');

/** One shard of a sharded command: plain JSON, so it can cross processes, queues and machines. */
export interface ShardJob {
  /** Which handler runs it, e.g. `data.checksum-shard`, `tokenizer.count-shard`. */
  readonly task: string;
  /**
   * Content address of everything the job reads and decides (task, shard, settings): two jobs with equal keys
   * produce equal outputs, so a job run twice (a retry, a worker that died after finishing) writes the same
   * bytes to the same place.
   */
  readonly key: string;
  readonly shard: Shard;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Runs one job in whatever process the executor chose; resolves its JSON result. */
export type JobHandler = (job: ShardJob) => Promise<unknown>;

/**
 * How a worker process builds the job handler: an ES module and the export whose `create(context)` returns a
 * `JobHandler` (found the way backends are, so that child processes can load it). `context` is JSON the
 * coordinator passes along (for instance the registered backends, for a process without the CLI's plugins).
 */
export interface JobRunnerSpec {
  readonly module: string;
  readonly export: string;
  readonly context?: Readonly<Record<string, unknown>>;
}

export interface JobRunnerModule {
  create(context: Readonly<Record<string, unknown>>): JobHandler | Promise<JobHandler>;
}

export interface ExecutorRunOptions {
  /** Shards finished so far, of all of them; called once per finished shard, `done` increasing. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Where the shards of a sharded command run: worker processes on this machine (`local`), workers on any
 * machine fed by a queue (`bullmq`), … Config `executor.name` selects it.
 *
 * Invariants (checked by `@codex-ml/core/testing` `executorConformance`):
 * - `run` resolves one result per job, in job order, each the handler's result for that job.
 * - A job whose handler throws is run again; after `attempts` failures in all (default 3) `run` rejects with a
 *   one-line `E_SHARD` error naming the shard and carrying the handler's last message.
 * - A job whose worker process dies (SIGKILL) is run again by another worker; nothing is lost.
 * - `onProgress` reports each finished shard once: 1/n … n/n.
 * - `work`, where present, consumes jobs of `run` calls made by other processes until `signal` aborts.
 */
export interface Executor {
  readonly name: string;
  run(jobs: readonly ShardJob[], runner: JobRunnerSpec, options?: ExecutorRunOptions): Promise<unknown[]>;
  /** The worker side (`codex worker`): runs jobs with `handler` until `signal` aborts. Absent: nothing to join. */
  work?(handler: JobHandler, options: {readonly signal: AbortSignal}): Promise<void>;
  /** Releases connections and child processes. Idempotent. */
  close(): Promise<void>;
}
