/**
 * A handler's failure as plain JSON, to cross a process or a queue. This module imports nothing at run time:
 * a local worker process loads it before its first job, and every module it pulls in is start-up time paid
 * per worker.
 */
export interface FailureRecord {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly exitCode: number;
}

export function failureRecord(error: unknown): FailureRecord {
  // A CodexError by shape, not `instanceof`: it may come from another copy of core.
  const candidate = error as {name?: unknown; code?: unknown; message?: unknown; hint?: unknown; exitCode?: unknown} | null;
  if (candidate?.name === 'CodexError' && typeof candidate.code === 'string' && typeof candidate.message === 'string') {
    return {
      code: candidate.code,
      message: candidate.message,
      ...(typeof candidate.hint === 'string' ? {hint: candidate.hint} : {}),
      exitCode: typeof candidate.exitCode === 'number' ? candidate.exitCode : 1,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {code: 'E_SHARD', message: message.split('\n')[0] ?? message, exitCode: 1};
}
