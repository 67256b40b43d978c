import {CodexError, ExitCode, type ExitCodeValue, type ShardJob, formatShard} from '@codex-ml/core';
import type {FailureRecord} from './failure-record.js';

export {type FailureRecord, failureRecord} from './failure-record.js';

/** The one-line error that fails a command whose shard failed every attempt. */
export function shardFailed(job: ShardJob, attempts: number, failure: FailureRecord): CodexError {
  return new CodexError(
    'E_SHARD',
    `shard ${formatShard(job.shard)} (${job.task}) failed ${attempts} time${attempts === 1 ? '' : 's'}: ${failure.message}`,
    {
      hint: failure.hint ?? 'fix the cause and run the command again; finished shards are rewritten identically',
      exitCode: (failure.exitCode || ExitCode.failure) as ExitCodeValue,
    },
  );
}
