import {existsSync} from 'node:fs';
import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {CodexError, ExitCode, isRunId} from '@codex-ml/core';

/** What a command may be given to name a run, besides a path: a run id, a unique prefix of one, or `latest`. */
export const RUN_REFERENCE_HELP = 'a run id, a unique prefix of one, or latest';

/**
 * The run id a reference names, for commands that take a run: `latest` (the newest finished run, of `kind` when
 * the command needs one), a full run id, or an unambiguous prefix of one (`01JD3Z`, any case), looked up among
 * the run directories of `runsDir`. Anything else — a path to a run directory, manifest or checkpoint — is
 * returned unchanged for the command to open as before.
 */
export async function resolveRunReference(reference: string, runsDir: string, kind?: string): Promise<string> {
  if (isRunId(reference as unknown) || existsSync(reference)) return reference;
  if (reference === 'latest') {
    for (const id of (await runIds(runsDir)).reverse()) {
      const found = await kindOf(runsDir, id);
      if (found !== undefined && (kind === undefined || found === kind)) return id;
    }
    throw new CodexError('E_RUN_NOT_FOUND', `latest: no finished ${kind ?? ''}${kind ? ' ' : ''}run in ${runsDir}`, {
      hint: kind === 'training' ? 'train one first: codex train' : 'codex runs:list shows the runs there',
      exitCode: ExitCode.input,
    });
  }
  // A ULID starts with its timestamp, a digit 0-7 until the year 10889: a word is never taken for a prefix.
  const prefix = reference.toUpperCase();
  if (!/^[0-7][0-9A-HJKMNP-TV-Z]{3,24}$/.test(prefix)) return reference;
  const matches = (await runIds(runsDir)).filter((id) => id.startsWith(prefix));
  if (matches.length === 1) return matches[0] as string;
  if (matches.length === 0) {
    throw new CodexError('E_RUN_NOT_FOUND', `no run in ${runsDir} has an id starting with ${prefix}`, {
      hint: 'codex runs:list shows the runs there',
      exitCode: ExitCode.input,
    });
  }
  throw new CodexError(
    'E_RUN_AMBIGUOUS',
    `${prefix} is the start of ${matches.length} run ids: ${matches.slice(0, 4).join(', ')}${matches.length > 4 ? ', …' : ''}`,
    {
      hint: 'give more characters of the run id',
      exitCode: ExitCode.usage,
    },
  );
}

/** Resolves each reference that names a run and leaves the others (files, folders) as they are. */
export async function resolveRunReferences(references: readonly string[], runsDir: string): Promise<string[]> {
  return await Promise.all(references.map((reference) => resolveRunReference(reference, runsDir)));
}

/** Run ids of the run directories under `runsDir`, oldest first (ULIDs sort by creation time). */
async function runIds(runsDir: string): Promise<string[]> {
  const names = await readdir(runsDir).catch(() => [] as string[]);
  return names.filter((name) => isRunId(name)).sort();
}

/** The kind a finished run's own manifest records; undefined for an unfinished or failed one. */
async function kindOf(runsDir: string, runId: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(runsDir, runId, 'manifest.json'), 'utf8')) as {kind?: unknown};
    return typeof manifest.kind === 'string' ? manifest.kind : undefined;
  } catch {
    return undefined;
  }
}
