import {CodexError, ExitCode, type ExitCodeValue} from '@codex-ml/core';

/** The one error every splitter throws for a request it cannot honour (code `E_SPLIT`). */
export function splitProblem(message: string, hint: string, exitCode: ExitCodeValue = ExitCode.input): CodexError {
  return new CodexError('E_SPLIT', message, {hint, exitCode});
}
