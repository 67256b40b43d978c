import {ExitCode, isCodexError} from '@codex-ml/core';
import {escapeControls} from './terminal-text.js';

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
    return {code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode, line: escapeControls(error.toLine())};
  }
  const oclifExit = (error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit;
  if (typeof oclifExit === 'number') {
    // Flag and argument parsing errors from oclif: usage mistakes. Their detail (the allowed range of a
    // numeric flag, say) is on the following lines: keep it, on one line.
    const message = usageLine(error);
    return {
      code: 'E_USAGE',
      message,
      hint: 'see --help',
      exitCode: oclifExit === 0 ? 0 : ExitCode.usage,
      line: escapeControls(`${message} — see --help`),
    };
  }
  const message = firstLine(error);
  return {
    code: 'E_INTERNAL',
    message,
    hint: undefined,
    exitCode: ExitCode.failure,
    line: escapeControls(`${message} (run with DEBUG=codex* for details)`),
  };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n').find((line) => line.trim() !== '') ?? text).trim();
}

/** `Parsing --vocab-size` + `Expected an integer greater than or equal to 1 but received: 0` as one line. */
function usageLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^See more help with/.test(line));
  const [first = text.trim(), ...rest] = lines;
  return rest.length > 0 ? `${first}: ${rest.map((line) => line.charAt(0).toLowerCase() + line.slice(1)).join('; ')}` : first;
}
