import {type ChildProcess, fork} from 'node:child_process';
import {availableParallelism} from 'node:os';
import type {BackendOptions, Executor, ExecutorRunOptions, JobRunnerSpec, ShardJob} from '@codex-ml/core';
import {type FailureRecord, shardFailed} from '../shard-failure.js';

export interface LocalExecutorOptions {
  /** Worker processes at once; 0 or absent = one per core. */
  readonly processes?: number;
  /** Runs of a job before its failure fails `run`; default 3. */
  readonly attempts?: number;
}

type WorkerMessage =
  | {readonly type: 'ready'}
  | {readonly type: 'init-failed'; readonly error: FailureRecord}
  | {readonly type: 'result'; readonly index: number; readonly result: unknown}
  | {readonly type: 'failed'; readonly index: number; readonly error: FailureRecord};

interface Worker {
  readonly child: ChildProcess;
  /** Index of the job it runs, if any. */
  busy: number | undefined;
}

const WORKER_MODULE = new URL('./local-worker-process.js', import.meta.url);

/**
 * Runs shards in worker processes on this machine, one job per process at a time. A job that fails, or whose
 * process dies, goes back to the queue until it has failed `attempts` times; a dead process is replaced. Every
 * worker is ended before `run` settles, whatever the outcome.
 */
export class LocalExecutor implements Executor {
  readonly name = 'local';
  readonly #processes: number;
  readonly #attempts: number;
  readonly #live = new Set<ChildProcess>();

  static create(options: BackendOptions = {}): LocalExecutor {
    const given = options as LocalExecutorOptions;
    return new LocalExecutor(given.processes || availableParallelism(), given.attempts ?? 3);
  }

  constructor(processes: number, attempts = 3) {
    this.#processes = Math.max(1, processes);
    this.#attempts = Math.max(1, attempts);
  }

  run(jobs: readonly ShardJob[], runner: JobRunnerSpec, options: ExecutorRunOptions = {}): Promise<unknown[]> {
    if (jobs.length === 0) return Promise.resolve([]);
    return new Promise<unknown[]>((resolve, reject) => {
      const results = new Array<unknown>(jobs.length);
      const failures = new Array<number>(jobs.length).fill(0);
      const queue = jobs.map((_, index) => index);
      const workers = new Set<Worker>();
      let done = 0;
      let settled = false;

      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        for (const worker of workers) this.#end(worker.child);
        if (error) reject(error);
        else resolve(results);
      };
      const failed = (index: number, failure: FailureRecord) => {
        failures[index] = (failures[index] as number) + 1;
        if ((failures[index] as number) >= this.#attempts) finish(shardFailed(jobs[index] as ShardJob, this.#attempts, failure));
        else queue.push(index);
      };
      const feed = (worker: Worker) => {
        const index = queue.shift();
        worker.busy = index;
        if (index !== undefined) worker.child.send({type: 'job', index, job: jobs[index]});
        else if (done === jobs.length) finish();
      };
      const start = () => {
        const child = fork(WORKER_MODULE, [], {stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced'});
        this.#live.add(child);
        const worker: Worker = {child, busy: undefined};
        workers.add(worker);
        child.on('message', (message: WorkerMessage) => {
          if (settled) return;
          if (message.type === 'ready') feed(worker);
          else if (message.type === 'init-failed') finish(shardFailed(jobs[0] as ShardJob, 1, message.error));
          else if (message.type === 'result') {
            results[message.index] = message.result;
            done++;
            options.onProgress?.(done, jobs.length);
            feed(worker);
            if (done === jobs.length) finish();
          } else {
            failed(message.index, message.error);
            if (!settled) feed(worker);
          }
        });
        child.on('exit', (code, signal) => {
          this.#live.delete(child);
          workers.delete(worker);
          if (settled) return;
          // A process that died mid-job: the job goes back to the queue, a fresh process takes the place.
          if (worker.busy !== undefined) {
            const index = worker.busy;
            worker.busy = undefined;
            failed(index, {code: 'E_SHARD', message: `its worker process died (${signal ?? `exit code ${code}`})`, exitCode: 1});
          }
          if (!settled && queue.length > 0) start();
        });
        child.send({type: 'init', runner});
      };
      for (let i = 0; i < Math.min(this.#processes, jobs.length); i++) start();
    });
  }

  async close(): Promise<void> {
    for (const child of this.#live) this.#end(child);
  }

  /** A worker exits on its own once disconnected (flushing what it must); one that does not is killed. */
  #end(child: ChildProcess): void {
    if (child.connected) child.disconnect();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => clearTimeout(timer));
  }
}
