import {ExitCode, isCodexError} from '@codex-ml/core';

/** What the user sees of a failure: one line, a code and an exit code. */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly line: string;
}

/** Maps any thrown value to a Problem; unknown errors keep their first line only (the stack is for DEBUG). */
export function describeProblem(error: unknown): Problem {
  if (isCodexError(error)) {
    return {code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode, line: error.toLine()};
  }
  const oclifExit = (error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit;
  const message = firstLine(error);
  if (typeof oclifExit === 'number') {
    // Flag and argument parsing errors from oclif: usage mistakes.
    return {code: 'E_USAGE', message, hint: 'see --help', exitCode: oclifExit === 0 ? 0 : ExitCode.usage, line: `${message} — see --help`};
  }
  return {code: 'E_INTERNAL', message, hint: undefined, exitCode: ExitCode.failure, line: `${message} (run with DEBUG=codex* for details)`};
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).trim();
}
