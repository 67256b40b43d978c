import type {Dirent} from 'node:fs';
import {lstat, readdir, stat} from 'node:fs/promises';
import {join, relative, sep} from 'node:path';
import {assertRegularFile, fileError} from '@codex-ml/core';
import type {FileToHash} from '@codex-ml/core';

/**
 * Expands files and directories into regular files, recursing into directories. Order is stable: arguments
 * in the order given, each directory's files sorted by their POSIX path (code unit order), so the same tree
 * lists the same way on every machine whatever the file system returns.
 */
export async function listFiles(inputs: readonly string[]): Promise<FileToHash[]> {
  const files: FileToHash[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(async (error: unknown) => {
      await assertRegularFile(input);
      throw fileError(input, error);
    });
    if (info.isDirectory()) {
      const found: FileToHash[] = [];
      await walk(input, found);
      found.sort((a, b) => compare(toPosix(relative(input, a.path)), toPosix(relative(input, b.path))));
      files.push(...found);
    } else {
      await assertRegularFile(input);
      files.push({path: input, size: info.size});
    }
  }
  return files;
}

async function walk(directory: string, out: FileToHash[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, {withFileTypes: true});
  } catch (error) {
    throw fileError(directory, error, 'list directory');
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      await walk(path, out);
      continue;
    }
    // Symbolic links are followed to what they name; anything but a regular file is refused by name.
    await assertRegularFile(path);
    const info = entry.isSymbolicLink() ? await stat(path) : await lstat(path);
    if (info.isDirectory()) await walk(path, out);
    else out.push({path, size: info.size});
  }
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
