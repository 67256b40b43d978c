import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs';
import type {Hasher} from '../contracts/hasher.js';

export interface SyncDigest {
  readonly hex: string;
  readonly bytes: number;
}

// O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below then refuses it. Regular files ignore it.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Hashes a regular file with blocking reads into `buffer` (reused across files): open, fstat, reads, close
 * and nothing else. Meant for hashing threads and small files, where `hashFile`'s promise round trips through
 * the thread pool (stat, open, read, read, close) cost more than hashing 100 KB does.
 *
 * Returns undefined instead of throwing when the path is not a readable regular file or a read fails: the
 * caller then runs `hashFile`, which fails with the one-line error for that case (or succeeds if it was a race).
 */
export function tryHashFileSync(hasher: Hasher, path: string, buffer: Buffer): SyncDigest | undefined {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const state = hasher.create();
    let bytes = 0;
    try {
      for (;;) {
        const read = readSync(fd, buffer, 0, buffer.length, null);
        if (read === 0) break;
        state.update(buffer.subarray(0, read));
        bytes += read;
      }
    } catch {
      state.digest(); // releases whatever the state holds (WASM memory); the digest itself is discarded
      return undefined;
    }
    return {hex: state.digest(), bytes};
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
