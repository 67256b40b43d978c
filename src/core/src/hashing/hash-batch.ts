import type {Hasher} from '../contracts/hasher.js';
import {isCodexError} from '../errors.js';
import {hashFile} from './hash-file.js';
import {tryHashFileSync} from './hash-file-sync.js';

/**
 * A run of consecutive files for one hashing thread. Files travel in batches: one message per file cost as
 * much as hashing a small file.
 */
export interface HashBatch {
  /** Index (in the caller's file list) of `paths[0]`; the others follow consecutively. */
  readonly first: number;
  readonly paths: readonly string[];
  /** Sizes from the caller's stat, parallel to `paths`. */
  readonly sizes: readonly number[];
}

export interface HashedEntry {
  readonly hex: string;
  readonly bytes: number;
}

export type HashReply =
  | {readonly first: number; readonly digests: readonly HashedEntry[]}
  | {readonly index: number; readonly error: {code: string; message: string; hint?: string; exitCode: number}};

/**
 * Hashes a batch's files in order. Files up to `syncMaxBytes` are read with blocking calls into `buffer`;
 * larger ones, and any file the blocking path cannot read, go through `hashFile`, which streams and fails
 * with the precise one-line error. The first failure ends the batch as an error reply naming that file.
 */
export async function hashBatch(
  hasher: Hasher | Promise<Hasher>,
  batch: HashBatch,
  buffer: Buffer,
  syncMaxBytes: number,
): Promise<HashReply> {
  let index = batch.first;
  try {
    const instance = await hasher;
    const digests: HashedEntry[] = [];
    for (let k = 0; k < batch.paths.length; k++) {
      const path = batch.paths[k] as string;
      let digest = (batch.sizes[k] as number) <= syncMaxBytes ? tryHashFileSync(instance, path, buffer) : undefined;
      if (digest === undefined) {
        let bytes = 0;
        const hex = await hashFile(instance, path, {onProgress: (total) => (bytes = total)});
        digest = {hex, bytes};
      }
      digests.push(digest);
      index++;
    }
    return {first: batch.first, digests};
  } catch (error) {
    const reply = isCodexError(error)
      ? {code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode}
      : {code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error), exitCode: 1};
    return {index, error: reply};
  }
}
