import {parentPort, workerData} from 'node:worker_threads';
import type {Hasher} from '../contracts/hasher.js';
import {isCodexError} from '../errors.js';
import {type RegisteredBackend, instantiateBackend} from '../registry.js';
import {READ_CHUNK, hashFile} from './hash-file.js';
import {tryHashFileSync} from './hash-file-sync.js';

/**
 * Messages between `ParallelFileHasher` and its workers. Files travel in batches: one message per file
 * cost as much as hashing a small file.
 */
export interface HashBatch {
  /** Index (in the caller's file list) of `paths[0]`; the others follow consecutively. */
  readonly first: number;
  readonly paths: readonly string[];
}

export interface HashedEntry {
  readonly hex: string;
  readonly bytes: number;
}

export type HashReply =
  | {readonly first: number; readonly digests: readonly HashedEntry[]}
  | {readonly index: number; readonly error: {code: string; message: string; hint?: string; exitCode: number}};

const backend = workerData as Pick<RegisteredBackend<'hasher'>, 'contract' | 'name' | 'plugin' | 'spec'>;
const port = parentPort;
// Loaded as soon as the worker starts, so the backend (WASM compile, native addon) loads while the main
// thread is still preparing the first batch.
const hasher: Promise<Hasher> = instantiateBackend(backend);
// Blocking reads only stall this worker, and one buffer serves every file.
const buffer = Buffer.allocUnsafe(READ_CHUNK);
// Avoid an unhandled rejection before the first batch arrives; the batch reports the failure.
hasher.catch(() => undefined);

port?.on('message', (batch: HashBatch) => {
  void hashBatch(batch).then((reply) => port.postMessage(reply));
});

async function hashBatch(batch: HashBatch): Promise<HashReply> {
  let index = batch.first;
  try {
    const instance = await hasher;
    const digests: HashedEntry[] = [];
    for (const path of batch.paths) {
      let digest = tryHashFileSync(instance, path, buffer);
      if (digest === undefined) {
        // Not a plain readable file: the streaming path throws the precise one-line error (or hashes it after a race).
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
