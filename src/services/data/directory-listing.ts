import {type Dirent, readdirSync} from 'node:fs';
import {stat} from 'node:fs/promises';
import {join} from 'node:path';
import {CodexError, ExitCode, assertRegularFile, fileError} from '@codex-ml/core';
import {compareIds} from './dataset-item.js';

/**
 * The regular files under `root` as relative POSIX paths, sorted (UTF-16 code unit order), so the listing is
 * the same whatever order the file system returns. Entries whose name starts with "." (`.git`, `.DS_Store`)
 * are skipped; symbolic links are followed; anything else that is not a regular file is refused by name.
 */
export async function listDatasetFiles(root: string, filter: (name: string) => boolean = () => true): Promise<string[]> {
  const ids: string[] = [];
  await walk(root, '', ids, filter, new Set());
  return ids.sort(compareIds);
}

async function walk(root: string, prefix: string, out: string[], filter: (name: string) => boolean, seen: Set<string>): Promise<void> {
  const directory = prefix === '' ? root : join(root, prefix);
  let entries: Dirent[];
  try {
    // Blocking: a listing has nothing to overlap with, and a thread-pool round trip per directory costs more.
    entries = readdirSync(directory, {withFileTypes: true});
  } catch (error) {
    throw fileError(directory, error, 'list directory');
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const id = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    // The common case (a plain file) needs no path: joining one per entry was a good part of a listing's cost.
    if (entry.isFile()) {
      if (filter(entry.name)) out.push(id);
      continue;
    }
    const path = join(root, id);
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      await assertRegularFileOrDirectory(path);
      const info = await stat(path);
      isDirectory = info.isDirectory();
      // A link back to an ancestor would make the walk endless.
      const key = `${info.dev}:${info.ino}`;
      if (isDirectory && seen.has(key)) {
        throw new CodexError('E_DATASET', `${path} links back into the dataset (a directory cycle)`, {
          hint: 'remove the link',
          exitCode: ExitCode.input,
        });
      }
      if (isDirectory) seen.add(key);
    }
    if (isDirectory) await walk(root, id, out, filter, seen);
    else if (filter(entry.name)) {
      if (!entry.isFile() && !entry.isSymbolicLink()) await assertRegularFile(path);
      out.push(id);
    }
  }
}

async function assertRegularFileOrDirectory(path: string): Promise<void> {
  const info = await stat(path).catch(async () => {
    await assertRegularFile(path);
    return undefined;
  });
  if (info && !info.isDirectory()) await assertRegularFile(path);
}
