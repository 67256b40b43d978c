import {CodexError, ExitCode} from '@codex-ml/core';

/** The one-line error for a run id the manifest store does not hold. */
export function runNotFound(runId: string, storeName: string): CodexError {
  return new CodexError('E_RUN_NOT_FOUND', `run ${runId} has no manifest in the ${storeName} manifest store`, {
    hint: 'codex runs:list shows the stored runs (check manifest.store if you expected another store)',
    exitCode: ExitCode.input,
  });
}
