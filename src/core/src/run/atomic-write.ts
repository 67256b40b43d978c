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
  const temp = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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

/** One file of a directory written by `writeDirectoryAtomic`, named relative to the directory. */
export interface DirectoryEntry {
  readonly name: string;
  readonly bytes: string | Uint8Array;
}

/**
 * Writes a directory of files so that it appears whole or not at all: the files are written and fsynced in a
 * temp directory beside `path`, which is then renamed into place. An existing non-empty directory is
 * refused unless `replace`, in which case it is moved aside first and deleted after the rename; a killed
 * writer leaves only a temp directory matching `TEMP_FILE_PATTERN`.
 */
export async function writeDirectoryAtomic(
  path: string,
  files: readonly DirectoryEntry[],
  options: {readonly replace?: boolean} = {},
): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, {recursive: true}).catch((error: unknown) => {
    throw fileError(parent, error, 'create directory');
  });
  const tempName = () => join(parent, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const existing = await readdir(path).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw fileError(path, error, 'write');
  });
  if (existing && existing.length > 0 && !options.replace) {
    throw new CodexError('E_EXISTS', `${path} already exists and is not empty`, {
      hint: 'choose another --out directory, or pass --force to replace it',
      exitCode: ExitCode.input,
    });
  }
  const temp = tempName();
  let trash: string | undefined;
  try {
    await mkdir(temp);
    for (const file of files) {
      if (file.name.includes('/') || file.name.startsWith('.')) throw new RangeError(`invalid file name ${file.name}`);
      const handle = await open(join(temp, file.name), 'wx');
      try {
        await handle.writeFile(file.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await syncDirectory(temp);
    if (existing) {
      trash = tempName();
      await rename(path, trash);
    }
    await rename(temp, path);
    await syncDirectory(parent);
  } catch (error) {
    await rm(temp, {recursive: true, force: true}).catch(() => undefined);
    if (trash) await rename(trash, path).catch(() => undefined);
    throw isCodexError(error) ? error : fileError(path, error, 'write');
  }
  if (trash) await rm(trash, {recursive: true, force: true});
}

/** Temp files left by killed writers match this; cleaners and listings ignore them. */
export const TEMP_FILE_PATTERN = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

async function syncDirectory(directory: string): Promise<void> {
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
