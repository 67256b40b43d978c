import {randomBytes} from 'node:crypto';
import {type FileHandle, mkdir, open, readdir, rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {CodexError, ExitCode, errnoCode, fileError, isCodexError} from '../errors.js';

/**
 * Writes a file so that readers see the old content or the whole new content, never a prefix, even when the
 * process is killed: write a temp file in the same directory, fsync it, rename over the target, fsync the
 * directory so the rename itself survives a crash.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await withAtomicFile(path, async (handle) => {
    await handle.writeFile(data);
  });
}

/** Like `writeFileAtomic` for content produced incrementally through the handle. */
export async function withAtomicFile<T>(path: string, write: (handle: FileHandle) => Promise<T>): Promise<T> {
  const directory = dirname(path);
  await mkdir(directory, {recursive: true}).catch((error: unknown) => {
    throw fileError(directory, error, 'create directory');
  });
  const temp = tempPathFor(path);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx').catch((error: unknown) => {
      throw fileError(temp, error, 'write');
    });
    let result: T;
    try {
      result = await write(handle);
      await handle.sync();
    } catch (error) {
      // A full disk or a failing device names the file being written, not only "ENOSPC … write".
      throw isCodexError(error) || errnoCode(error) === undefined ? error : fileError(path, error, 'write');
    }
    await handle.close();
    handle = undefined;
    await rename(temp, path).catch((error: unknown) => {
      throw fileError(path, error, 'write');
    });
    await syncDirectory(directory);
    return result;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, {force: true}).catch(() => undefined);
    throw error;
  }
}

/**
 * Publishes a directory the same way: `build` fills a hidden temp directory beside `target` (files written with
 * `writeFileSynced`), which is fsynced and renamed into place. A reader, or a process resuming after a kill at
 * any point, sees the whole directory or none; a killed writer leaves only a temp directory matching
 * `TEMP_FILE_PATTERN`. An existing non-empty `target` is refused unless `replace`; then it is moved aside,
 * and deleted only once the new one is in place (put back if publishing fails). `beforePublish` runs once
 * everything is on disk, just before the rename (fault injection in tests).
 */
export async function publishDirectory(
  target: string,
  build: (temp: string) => Promise<void>,
  options: {readonly replace?: boolean; readonly beforePublish?: () => Promise<void>} = {},
): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, {recursive: true}).catch((error: unknown) => {
    throw fileError(parent, error, 'create directory');
  });
  const existing = await readdir(target).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw fileError(target, error, 'write');
  });
  if (existing && existing.length > 0 && !options.replace) {
    throw new CodexError('E_EXISTS', `${target} already exists and is not empty`, {
      hint: 'choose another --out directory, or pass --force to replace it',
      exitCode: ExitCode.input,
    });
  }
  const temp = tempPathFor(target);
  let trash: string | undefined;
  try {
    await mkdir(temp);
    await build(temp);
    await syncDirectory(temp);
    await options.beforePublish?.();
    if (existing) {
      trash = tempPathFor(target);
      await rename(target, trash);
    }
    await rename(temp, target);
    await syncDirectory(parent);
  } catch (error) {
    await rm(temp, {recursive: true, force: true}).catch(() => undefined);
    if (trash) await rename(trash, target).catch(() => undefined);
    throw isCodexError(error) ? error : fileError(target, error, 'write');
  }
  if (trash) await rm(trash, {recursive: true, force: true});
}

/** One file of a directory written by `writeDirectoryAtomic`, named relative to the directory. */
export interface DirectoryEntry {
  readonly name: string;
  readonly bytes: string | Uint8Array;
}

/** `publishDirectory` of a list of files (flat: names without `/`, not hidden). */
export async function writeDirectoryAtomic(
  path: string,
  files: readonly DirectoryEntry[],
  options: {readonly replace?: boolean} = {},
): Promise<void> {
  await publishDirectory(
    path,
    async (temp) => {
      for (const file of files) {
        if (file.name.includes('/') || file.name.startsWith('.')) throw new RangeError(`invalid file name ${file.name}`);
        await writeFileSynced(join(temp, file.name), file.bytes);
      }
    },
    options,
  );
}

/** Writes a new file (refusing to overwrite one) and fsyncs it: the files of a directory being published. */
export async function writeFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'wx');
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle?.close();
  }
}

/** Temp files left by killed writers match this; cleaners and listings ignore them. */
export const TEMP_FILE_PATTERN = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

/** A hidden name beside `path`, unique to this process and call, matching `TEMP_FILE_PATTERN`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Makes a rename or creation inside `directory` durable; a no-op where the file system refuses. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}
