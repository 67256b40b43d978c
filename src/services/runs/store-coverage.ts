import {lstat, readdir} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {CodexError, ExitCode, type ManifestStore, errnoCode, fileError, isCodexError, isRunId} from '@codex-ml/core';
import {RUN_MANIFEST_FILE} from './run-manifest-recorder.js';

/**
 * The run directories are the record: every run writes its own `manifest.json` there, whatever the manifest
 * store. A store is an index over them, and an index that cannot be opened, or lists nothing while the
 * directory holds recorded runs, must never be read as "there are no runs" — by `runs:list`, or worse by
 * `runs:gc`, which would take every run for garbage. These checks turn such a store into an error naming both.
 */

/** Run directories (not links) in `runsDir` that hold their manifest. */
export async function recordedRunCount(runsDir: string): Promise<number> {
  const root = resolve(runsDir);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 0;
    throw fileError(root, error, 'list');
  }
  let count = 0;
  for (const name of names) {
    if (!isRunId(name)) continue;
    const info = await lstat(join(root, name, RUN_MANIFEST_FILE)).catch(() => undefined);
    if (info?.isFile()) count++;
  }
  return count;
}

/**
 * What to throw when the configured store (`name`) failed to open: while runs are on disk, an error naming
 * both the store's failure and the runs it should list; otherwise `error` itself.
 */
export async function explainStoreFailure(error: unknown, name: string, runsDir: string): Promise<unknown> {
  if (!isCodexError(error) || error.code !== 'E_MANIFEST_STORE') return error;
  const recorded = await recordedRunCount(runsDir);
  if (recorded === 0) return error;
  return new CodexError(
    'E_MANIFEST_STORE',
    `${error.message}; ${resolve(runsDir)} holds ${recorded} recorded runs this store should list`,
    {
      hint: `${rebuildHint(name)}; nothing was changed`,
      exitCode: ExitCode.integrity,
      cause: error,
    },
  );
}

/**
 * Compares what the store lists with the run directories. An empty store over recorded runs is an error;
 * a store missing some runs gives a warning (returned). `listed`: how many runs an unfiltered `list()`
 * returned, when the caller has it; otherwise the store is asked whether it lists anything at all.
 */
export async function checkStoreCoverage(
  store: ManifestStore,
  runsDir: string,
  options: {readonly listed?: number; readonly recorded?: number} = {},
): Promise<string | undefined> {
  const listed = options.listed ?? (await store.list({limit: 1})).length;
  if (options.listed === undefined && listed > 0) return undefined;
  const recorded = options.recorded ?? (await recordedRunCount(runsDir));
  if (listed === 0 && recorded > 0) {
    throw new CodexError(
      'E_MANIFEST_STORE',
      `the ${store.name} manifest store${locationOf(store)} lists no runs, but ${resolve(runsDir)} holds ${recorded} recorded runs`,
      {hint: `the store is empty, new or damaged: ${rebuildHint(store.name)}; nothing was changed`, exitCode: ExitCode.integrity},
    );
  }
  if (listed < recorded) {
    return `the ${store.name} manifest store${locationOf(store)} lists ${listed} runs, but ${resolve(runsDir)} holds ${recorded}: ${rebuildHint(store.name)}`;
  }
  return undefined;
}

function rebuildHint(store: string): string {
  return store === 'fs'
    ? 'check the permissions of the runs directory'
    : `move the store aside and rebuild it from the run directories with codex runs:migrate --from fs --to ${store}`;
}

/** The store's file, for stores that have one (sqlite). */
function locationOf(store: ManifestStore): string {
  const path = 'path' in store ? store.path : undefined;
  return typeof path === 'string' ? ` (${path})` : '';
}
