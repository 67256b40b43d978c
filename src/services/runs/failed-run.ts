import {readFile, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {listRunIds, writeFileAtomic} from '@codex-ml/core';

/** Written into a run directory whose command failed after creating it and kept it (its checkpoints may serve). */
export const FAILED_FILE = 'failed.json';

export interface RunFailure {
  readonly at: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Marks a run as failed: `runs:list` shows it as such and `runs:gc` removes it (unless the user resumes it,
 * which clears the mark). A run that failed for want of anything worth keeping should remove its directory
 * instead. Best effort: the original error matters more than a mark that cannot be written.
 */
export async function markRunFailed(runPath: string, error: unknown): Promise<void> {
  const failure: RunFailure = {
    at: new Date().toISOString(),
    code:
      typeof error === 'object' && error !== null && typeof (error as {code?: unknown}).code === 'string'
        ? (error as {code: string}).code
        : 'E_INTERNAL',
    message: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
  };
  await writeFileAtomic(join(runPath, FAILED_FILE), `${JSON.stringify(failure, null, 2)}\n`).catch(() => undefined);
}

export async function clearRunFailure(runPath: string): Promise<void> {
  await rm(join(runPath, FAILED_FILE), {force: true});
}

/** The failure recorded in a run directory, if any. */
export async function readRunFailure(runPath: string): Promise<RunFailure | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(runPath, FAILED_FILE), 'utf8')) as Partial<RunFailure>;
    return typeof parsed.message === 'string' ? {at: String(parsed.at), code: String(parsed.code), message: parsed.message} : undefined;
  } catch {
    return undefined;
  }
}

/** Runs in `runsDir` marked failed, oldest first. */
export async function failedRuns(runsDir: string): Promise<(RunFailure & {readonly runId: string})[]> {
  const failed: (RunFailure & {runId: string})[] = [];
  for (const runId of await listRunIds(runsDir)) {
    const failure = await readRunFailure(join(runsDir, runId));
    if (failure) failed.push({runId, ...failure});
  }
  return failed;
}
