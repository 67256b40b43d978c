import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import type {Executor, JobRunnerSpec, ShardJob} from '../contracts/executor.js';
import {isCodexError} from '../errors.js';
import type {BackendModule, BackendOptions} from '../registry.js';
import {
  type ConformanceTest,
  type Invariant,
  type InvariantResult,
  ensure,
  registerInvariants,
  runInvariants,
  show,
} from './conformance-suite.js';

export interface ExecutorConformanceOptions {
  /** Names the implementation in test titles, e.g. `executor bullmq`. */
  readonly name: string;
  /** The backend as registered; worker processes load it from there, as `codex worker` does. */
  readonly backend: {readonly module: string; readonly export: string};
  /**
   * Options for `create`; `attempts` is set by the suite (3). A queue executor should get a short lock time so
   * the dead-worker check finishes in seconds, and a queue of its own per call (`check` differs per check).
   */
  readonly options: (check: string) => BackendOptions;
  /** Worker processes started per check when the executor has `work` (it runs nothing itself); default 2. */
  readonly workers?: number;
}

export const EXECUTOR_INVARIANTS = {
  results: 'run resolves every job’s result in job order and reports progress 1/n … n/n',
  retries: 'a job that fails is run again until it succeeds',
  fails: 'a job failing every attempt fails run with one E_SHARD line naming the shard and the cause',
  deadWorker: 'a job whose worker process dies is run again elsewhere',
} as const;

const ATTEMPTS = 3;

/** The invariants of the `Executor` contract, for `registerInvariants` or `runInvariants`. */
export function executorInvariants(options: ExecutorConformanceOptions): Invariant[] {
  const runner: JobRunnerSpec = {module: new URL('./conformance-job-runner.js', import.meta.url).href, export: 'ConformanceJobRunner'};
  const I = EXECUTOR_INVARIANTS;
  const withExecutor = (check: string, body: (executor: Executor, dir: string) => Promise<void>) => async () => {
    const dir = await mkdtemp(join(tmpdir(), 'codex-executor-'));
    const backendOptions = {...options.options(`${check}-${dir.slice(-6)}`), attempts: ATTEMPTS};
    const module = (await import(options.backend.module)) as Record<string, Partial<BackendModule<Executor>> | undefined>;
    const factory = module[options.backend.export];
    ensure(typeof factory?.create === 'function', 'backend', `${options.backend.export} in ${options.backend.module} has no create()`);
    const executor = await factory.create(backendOptions);
    const workers: ChildProcess[] = [];
    try {
      if (executor.work) {
        for (let i = 0; i < (options.workers ?? 2); i++) workers.push(startWorker(options.backend, backendOptions, runner));
      }
      await body(executor, dir);
    } finally {
      for (const worker of workers) worker.kill('SIGKILL');
      await Promise.all(workers.map((worker) => (worker.exitCode === null && worker.signalCode === null ? onceExit(worker) : undefined)));
      await executor.close();
      await rm(dir, {recursive: true, force: true});
    }
  };
  const jobs = (task: string, count: number, payload: Record<string, unknown>): ShardJob[] =>
    Array.from({length: count}, (_, index) => ({task, key: `${task}-${index}-of-${count}`, shard: {index, count}, payload}));

  return [
    {
      name: I.results,
      check: withExecutor('results', async (executor) => {
        const input = jobs('echo', 8, {value: 'x'}).map((job, index) => ({...job, payload: {value: `v${index}`}}));
        const progress: string[] = [];
        const results = await executor.run(input, runner, {onProgress: (done, total) => progress.push(`${done}/${total}`)});
        const expected = input.map((job) => ({shard: job.shard, value: job.payload.value}));
        ensure(isDeepStrictEqual(results, expected), I.results, `results ${show(JSON.stringify(results), 200)}`);
        ensure(
          isDeepStrictEqual(
            progress,
            expected.map((_, index) => `${index + 1}/8`),
          ),
          I.results,
          `progress ${progress.join(' ')}`,
        );
        ensure(isDeepStrictEqual(await executor.run([], runner), []), I.results, 'no jobs did not resolve []');
      }),
    },
    {
      name: I.retries,
      check: withExecutor('retries', async (executor, dir) => {
        const results = await executor.run(jobs('flaky', 3, {dir, failures: ATTEMPTS - 1}), runner);
        ensure(
          isDeepStrictEqual(results, [{attempt: ATTEMPTS}, {attempt: ATTEMPTS}, {attempt: ATTEMPTS}]),
          I.retries,
          `results ${show(JSON.stringify(results))}`,
        );
      }),
    },
    {
      name: I.fails,
      check: withExecutor('fails', async (executor, dir) => {
        const error = await executor.run([...jobs('echo', 2, {}), ...jobs('fail', 1, {dir})], runner).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        ensure(isCodexError(error) && error.code === 'E_SHARD', I.fails, `rejected with ${show(String(error))}`);
        ensure(error.message.includes('shard 0/1'), I.fails, `the message does not name the shard: ${error.message}`);
        ensure(error.message.includes('shard 0 cannot be done'), I.fails, `the message lacks the cause: ${error.message}`);
        ensure(error.message.includes(`${ATTEMPTS} times`), I.fails, `the message does not count the attempts: ${error.message}`);
        ensure(!error.message.includes('\n'), I.fails, 'the message is more than one line');
      }),
    },
    {
      name: I.deadWorker,
      check: withExecutor('dead-worker', async (executor, dir) => {
        const results = await executor.run([...jobs('die', 1, {dir}), ...jobs('echo', 3, {value: 1})], runner);
        ensure(
          isDeepStrictEqual(results[0], {attempt: 2}),
          I.deadWorker,
          `the job after the death gave ${show(JSON.stringify(results[0]))}`,
        );
        ensure(results.length === 4, I.deadWorker, `${results.length} results for 4 jobs`);
        ensure((await readdir(dir)).length === 2, I.deadWorker, 'the job was not attempted exactly twice');
      }),
    },
  ];
}

/** Registers one test per `Executor` invariant (pass ava's `test`). */
export function executorConformance(test: ConformanceTest, options: ExecutorConformanceOptions): void {
  registerInvariants(test, options.name, executorInvariants(options));
}

/** Runs every invariant without a test runner and returns the results. */
export async function checkExecutor(options: ExecutorConformanceOptions): Promise<InvariantResult[]> {
  return await runInvariants(options.name, executorInvariants(options));
}

/** A worker process: creates the executor from its module and runs `work` with the conformance runner until killed. */
function startWorker(backend: {module: string; export: string}, options: BackendOptions, runner: JobRunnerSpec): ChildProcess {
  const program = `
    const [backend, options, runner] = JSON.parse(process.argv[1]);
    const executor = await (await import(backend.module))[backend.export].create(options);
    const handler = await (await import(runner.module))[runner.export].create({});
    await executor.work(handler, {signal: new AbortController().signal});
  `;
  return spawn(process.execPath, ['--input-type=module', '--eval', program, JSON.stringify([backend, options, runner])], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function onceExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
