import {randomUUID} from 'node:crypto';
import {
  type BackendOptions,
  CodexError,
  type Executor,
  type ExecutorRunOptions,
  ExitCode,
  type JobHandler,
  type JobRunnerSpec,
  type ShardJob,
  maskCredentials,
  maskSecrets,
} from '@codex-ml/core';
import {type Job, Queue, QueueEvents, Worker} from 'bullmq';
import {Redis} from 'ioredis';
import {type FailureRecord, failureRecord, shardFailed} from '../shard-failure.js';

export interface BullmqExecutorOptions {
  /** `redis://[user:password@]host:port/db`. */
  readonly url?: string;
  /** Queue shared by coordinators and workers; default `codex-ml-shards`. */
  readonly queue?: string;
  /** A worker that stops renewing a job's lock for this long is taken for dead; default 30 s. */
  readonly lockMs?: number;
  /** Runs of a job (failures and dead workers each count) before it fails the command; default 3. */
  readonly attempts?: number;
}

/** Prefix of a failure that crossed the queue as JSON. */
const FAILURE = 'codex-failure:';

/**
 * Shards as BullMQ jobs on Redis: `run` enqueues them (one BullMQ job per shard, ids unique to the run) and
 * waits for their results; `work` is the worker side that `codex worker` runs on any machine. A handler's
 * failure is retried by BullMQ (`attempts`); a worker that dies stops renewing its job's lock, and after
 * `lockMs` another worker's stalled check puts the job back in the queue (at most `attempts - 1` times).
 */
export class BullmqExecutor implements Executor {
  readonly name = 'bullmq';
  readonly #url: string;
  readonly #queue: string;
  readonly #lockMs: number;
  readonly #attempts: number;
  readonly #closers: (() => Promise<void>)[] = [];

  static create(options: BackendOptions = {}): BullmqExecutor {
    const given = options as BullmqExecutorOptions;
    return new BullmqExecutor(
      given.url || 'redis://127.0.0.1:6379',
      given.queue || 'codex-ml-shards',
      given.lockMs ?? 30_000,
      given.attempts ?? 3,
    );
  }

  constructor(url: string, queue: string, lockMs: number, attempts: number) {
    if (!/^rediss?:\/\//.test(url)) {
      throw new CodexError('E_CONFIG', `executor.bullmq.url ${String(maskCredentials(url, true))} is not a redis:// URL`, {
        hint: 'give redis://host:6379 (or rediss:// for TLS)',
        exitCode: ExitCode.config,
      });
    }
    this.#url = url;
    this.#queue = queue;
    this.#lockMs = lockMs;
    this.#attempts = Math.max(1, attempts);
  }

  async run(jobs: readonly ShardJob[], _runner: JobRunnerSpec, options: ExecutorRunOptions = {}): Promise<unknown[]> {
    if (jobs.length === 0) return [];
    await this.#probe();
    const queue = new Queue(this.#queue, {connection: this.#connection()});
    const events = new QueueEvents(this.#queue, {connection: this.#connection()});
    try {
      await events.waitUntilReady();
      const token = randomUUID();
      const added = await queue.addBulk(
        jobs.map((job, index) => ({
          name: job.task,
          data: job,
          opts: {
            jobId: `${token}-${index}`,
            attempts: this.#attempts,
            backoff: {type: 'fixed', delay: 100},
            removeOnComplete: {age: 3600},
            removeOnFail: {age: 24 * 3600},
          },
        })),
      );
      let done = 0;
      const results = await Promise.all(
        added.map(async (enqueued: Job, index) => {
          try {
            const result: unknown = await enqueued.waitUntilFinished(events);
            options.onProgress?.(++done, jobs.length);
            return result;
          } catch (error) {
            throw shardFailed(jobs[index] as ShardJob, this.#attempts, decodeFailure(error));
          }
        }),
      ).catch(async (error: unknown) => {
        // Shards nobody has started are withdrawn; the command fails with the first shard's error.
        await Promise.all(added.map((job) => job.remove().catch(() => undefined)));
        throw error;
      });
      return results;
    } finally {
      await events.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
    }
  }

  async work(handler: JobHandler, options: {readonly signal: AbortSignal}): Promise<void> {
    await this.#probe();
    const connection = this.#connection();
    const worker = new Worker(
      this.#queue,
      async (job: Job) => {
        try {
          return await handler(job.data as ShardJob);
        } catch (error) {
          throw new Error(FAILURE + JSON.stringify(failureRecord(error)));
        }
      },
      {
        connection,
        concurrency: 1,
        lockDuration: this.#lockMs,
        stalledInterval: this.#lockMs,
        maxStalledCount: this.#attempts - 1,
      },
    );
    // Errors of the Redis connection are retried by ioredis; a worker must not crash on them.
    worker.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener('abort', () => resolve(), {once: true});
    });
    await worker.close();
    await connection.quit().catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const close of this.#closers.splice(0)) await close();
  }

  #connection(): Redis {
    const redis = new Redis(this.#url, {maxRetriesPerRequest: null, lazyConnect: false, connectTimeout: 10_000});
    redis.on('error', () => undefined);
    this.#closers.push(async () => {
      redis.disconnect();
    });
    return redis;
  }

  /**
   * Fails fast, in one line with the URL masked, when Redis cannot be reached: the clients BullMQ uses retry
   * forever (right for a worker riding out a Redis restart, wrong for a first connection to a wrong address).
   */
  async #probe(): Promise<void> {
    const probe = new Redis(this.#url, {lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 10_000});
    let cause: unknown;
    probe.on('error', (error: unknown) => {
      cause ??= error;
    });
    try {
      await probe.connect();
      await probe.ping();
    } catch (error) {
      const secret = safeUrl(this.#url)?.password;
      // The socket's own error (ECONNREFUSED …) says more than ioredis's "Connection is closed".
      const first = cause ?? error;
      const detail = maskSecrets(first instanceof Error ? first.message : String(first), [secret, secret && decodeURIComponent(secret)]);
      throw new CodexError('E_EXECUTOR', `cannot reach Redis at ${String(maskCredentials(this.#url))}: ${detail}`, {
        hint: 'start Redis or fix executor.bullmq.url',
        exitCode: ExitCode.config,
      });
    } finally {
      probe.disconnect();
    }
  }
}

function decodeFailure(error: unknown): FailureRecord {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(FAILURE);
  if (at >= 0) {
    try {
      return JSON.parse(message.slice(at + FAILURE.length)) as FailureRecord;
    } catch {
      // fall through: not ours
    }
  }
  return failureRecord(error);
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
