import {CodexError, ExitCode, type ShardJob, formatShard, isCodexError} from '@codex-ml/core';
import {CodexCommand} from '../cli/codex-command.js';
import {shardJobRunner} from '../services/shards/sharded-work.js';

export interface WorkerResult {
  readonly executor: string;
  /** Shard jobs this worker finished before it was stopped. */
  readonly jobs: number;
}

export default class Worker extends CodexCommand<typeof Worker> {
  static override summary = 'Run shard jobs from a queue executor until stopped (SIGINT / SIGTERM)';
  // A signal lets the job in hand finish, then the worker exits 0: not the shared interruption.
  static override handlesSignals = true;
  static override description =
    'Joins the queue of the configured executor (executor.name, e.g. bullmq with executor.bullmq.url) and runs the shard ' +
    'jobs that prepare-data, tokenizer:train and pipeline enqueue with executor.shards > 1, on this machine. Start as ' +
    'many as you like, anywhere that sees the same input paths and executor.dir. A worker killed mid-job loses nothing: ' +
    'the job goes to another worker.';
  static override examples = [
    '<%= config.bin %> worker --set executor.name=bullmq --set executor.bullmq.url=redis://queue:6379',
    'CODEX_EXECUTOR_NAME=bullmq CODEX_EXECUTOR_BULLMQ_URL=redis://queue:6379 <%= config.bin %> worker',
  ];

  static override contracts = ['executor'] as const;

  async run(): Promise<WorkerResult> {
    const kernel = await this.kernel();
    const executor = await kernel.bind('executor');
    if (!executor.work) {
      throw new CodexError('E_USAGE', `executor ${executor.name} runs its shards itself; there is no queue to join`, {
        hint: 'set executor.name to a queue executor such as bullmq (and executor.bullmq.url) on both the command and its workers',
        exitCode: ExitCode.usage,
      });
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Each job runs in a process of its own (the local executor, one attempt: the queue does the retrying), so
    // a long synchronous stretch of work never stops this process from renewing the job's lock.
    const local = await kernel.open('executor', 'local', 'codex worker', {processes: 1, attempts: 1});
    const runner = shardJobRunner(kernel.registry);
    const handle = async (job: ShardJob) => {
      try {
        return ((await local.run([job], runner)) as unknown[])[0];
      } catch (error) {
        throw unwrapped(error);
      }
    };
    let jobs = 0;
    const chatty = !this.jsonEnabled();
    if (chatty) process.stderr.write(`worker: waiting for shard jobs (${executor.name}); stop with Ctrl-C\n`);
    try {
      await executor.work(
        async (job: ShardJob) => {
          if (chatty) process.stderr.write(`worker: ${job.task} shard ${formatShard(job.shard)} started\n`);
          const result = await handle(job);
          jobs++;
          if (chatty) process.stderr.write(`worker: ${job.task} shard ${formatShard(job.shard)} done\n`);
          return result;
        },
        {signal: stop.signal},
      );
    } finally {
      await local.close();
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    return {executor: executor.name, jobs};
  }
}

/** The job's own failure, without the local executor's `shard i/n (task) failed 1 time:` around it: the queue counts attempts. */
function unwrapped(error: unknown): unknown {
  if (!isCodexError(error) || error.code !== 'E_SHARD') return error;
  const inner = /^shard \S+ \([^)]*\) failed \d+ times?: (.*)$/.exec(error.message)?.[1];
  return inner === undefined ? error : new CodexError('E_SHARD', inner, {hint: error.hint, exitCode: error.exitCode});
}
