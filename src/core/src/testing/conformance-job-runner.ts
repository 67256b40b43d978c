import {openSync, closeSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import type {JobHandler, ShardJob} from '../contracts/executor.js';
import {CodexError, ExitCode} from '../errors.js';

/**
 * The job runner `executorConformance` hands to the executor under test (`JobRunnerSpec`): its tasks are the
 * situations an executor must survive. Attempts are counted with marker files in `payload.dir`, which every
 * worker process (and machine) of a check shares.
 * - `echo`: returns the shard and `payload.value`.
 * - `flaky`: fails the first `payload.failures` attempts, then returns the attempt number.
 * - `die`: its first attempt kills its own process with SIGKILL; a later one returns the attempt number.
 * - `fail`: always fails with `E_BROKEN`.
 */
export const ConformanceJobRunner = {
  create(): JobHandler {
    return async (job: ShardJob) => {
      const payload = job.payload as {dir?: string; value?: unknown; failures?: number};
      switch (job.task) {
        case 'echo':
          return {shard: job.shard, value: payload.value};
        case 'flaky': {
          const attempt = markAttempt(payload.dir as string, job.key);
          if (attempt <= (payload.failures ?? 0)) throw new CodexError('E_FLAKY', `attempt ${attempt} of ${job.key} failed on purpose`);
          return {attempt};
        }
        case 'die': {
          const attempt = markAttempt(payload.dir as string, job.key);
          if (attempt === 1) process.kill(process.pid, 'SIGKILL');
          await new Promise((resolve) => setTimeout(resolve, 10));
          return {attempt};
        }
        default:
          throw new CodexError('E_BROKEN', `shard ${job.shard.index} cannot be done`, {
            hint: 'nothing to fix: the conformance suite asks for it',
            exitCode: ExitCode.input,
          });
      }
    };
  },
};

/** Records one more attempt at `key` and returns its number (1 for the first). */
function markAttempt(dir: string, key: string): number {
  const safe = key.replace(/[^A-Za-z0-9_-]/g, '_');
  for (let attempt = 1; ; attempt++) {
    try {
      closeSync(openSync(join(dir, `${safe}.${attempt}`), 'wx'));
      return attempt;
    } catch {
      if (attempt > 1000) throw new Error(`cannot record an attempt in ${dir}: ${readdirSync(dir).length} markers`);
    }
  }
}
