import {CodexError, ExitCode, type ExitCodeValue, type ShardJob, formatShard, isCodexError} from '@codex-ml/core';

/** A handler's failure as plain JSON, to cross a process or a queue. */
export interface FailureRecord {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly exitCode: number;
}

export function failureRecord(error: unknown): FailureRecord {
  if (isCodexError(error)) return {code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode};
  const message = error instanceof Error ? error.message : String(error);
  return {code: 'E_SHARD', message: message.split('\n')[0] ?? message, exitCode: ExitCode.failure};
}

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
