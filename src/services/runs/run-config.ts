import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Manifest} from '@codex-ml/core';

/** File in which training runs keep their resolved config (manifests keep only its digest). */
export const CONFIG_SNAPSHOT_FILE = 'config.snapshot';

/**
 * The config a run recorded: its manifest's `config`, else the `config` of `config.snapshot` in its
 * directory, else null. Reading is best effort: a run without a readable snapshot still shows everything else.
 */
export async function runConfigOf(manifest: Manifest, directory: string): Promise<unknown> {
  if (manifest['config'] !== undefined) return manifest['config'];
  try {
    const snapshot = JSON.parse(await readFile(join(directory, CONFIG_SNAPSHOT_FILE), 'utf8')) as {config?: unknown};
    return snapshot.config ?? null;
  } catch {
    return null;
  }
}
