import {availableParallelism} from 'node:os';
import {Worker} from 'node:worker_threads';
import {type BackendRecipe, backendOf} from '../backend-loader.js';
import type {Hasher} from '../contracts/hasher.js';
import {CodexError, type ExitCodeValue} from '../errors.js';
import {READ_CHUNK, hashFile} from './hash-file.js';
import {tryHashFileSync} from './hash-file-sync.js';
import {type HashBatch, type HashReply, hashBatch} from './hash-batch.js';

export interface FileToHash {
  readonly path: string;
  /** Size from a prior stat; used to decide whether threads pay off and for progress. */
  readonly size: number;
}

export interface FileDigest {
  readonly path: string;
  readonly hex: string;
  readonly bytes: number;
}

export interface ParallelHashOptions {
  /** Hashing threads, the calling thread included; default: available cores. 1 hashes on the calling thread only. */
  readonly threads?: number;
  /** Total bytes hashed so far, called as files complete. */
  readonly onProgress?: (bytes: number) => void;
}

/**
 * Below this much data, starting workers (and loading the backend in each, ~50 ms) costs more than it saves:
 * 16 MiB take about that long on one core with the slowest bundled hasher.
 */
const PARALLEL_THRESHOLD_BYTES = 16 << 20;

/** On the calling thread, files up to this size are read with blocking calls (no thread-pool round trips). */
const SYNC_READ_MAX_BYTES = 4 << 20;

/** Limits of one batch sent to a worker: large enough to amortize the message, small enough to balance load. */
const BATCH_MAX_FILES = 256;
const BATCH_MAX_BYTES = 8 << 20;
const BATCH_MIN_BYTES = 256 << 10;

/**
 * Hashes many files across cores: the calling thread and `threads - 1` workers. Each worker creates its own
 * hasher from the recipe the instance was loaded with (`backendOf`: module, export and options), so any
 * plugin's hasher runs in parallel without special support. A hasher not loaded as a backend (constructed by
 * hand) hashes on the calling thread only. Results come back in input order.
 */
export class ParallelFileHasher {
  readonly #recipe: BackendRecipe<'hasher'> | undefined;

  constructor(private readonly hasher: Hasher) {
    this.#recipe = backendOf<'hasher'>(hasher);
  }

  async hashFiles(files: readonly FileToHash[], options: ParallelHashOptions = {}): Promise<FileDigest[]> {
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const threads = Math.min(options.threads ?? availableParallelism(), files.length);
    if (threads <= 1 || total < PARALLEL_THRESHOLD_BYTES || this.#recipe === undefined) return this.hashSequentially(files, options);
    return this.hashWithWorkers(files, threads, this.#recipe, options);
  }

  private async hashSequentially(files: readonly FileToHash[], options: ParallelHashOptions): Promise<FileDigest[]> {
    const digests: FileDigest[] = [];
    let done = 0;
    let buffer: Buffer | undefined;
    for (const file of files) {
      if (file.size <= SYNC_READ_MAX_BYTES) {
        // Small files: a blocking read stalls the event loop for under a millisecond or so.
        buffer ??= Buffer.allocUnsafe(READ_CHUNK);
        const digest = tryHashFileSync(this.hasher, file.path, buffer);
        if (digest !== undefined) {
          done += digest.bytes;
          options.onProgress?.(done);
          digests.push({path: file.path, hex: digest.hex, bytes: digest.bytes});
          continue;
        }
      }
      let bytes = 0;
      const hex = await hashFile(this.hasher, file.path, {
        onProgress: (read) => {
          bytes = read;
          options.onProgress?.(done + read);
        },
      });
      done += bytes;
      digests.push({path: file.path, hex, bytes});
    }
    return digests;
  }

  private hashWithWorkers(
    files: readonly FileToHash[],
    threads: number,
    recipe: BackendRecipe<'hasher'>,
    options: ParallelHashOptions,
  ): Promise<FileDigest[]> {
    // The calling thread is one of the hashing threads: it would otherwise sit idle, and one worker fewer
    // saves a thread start-up and a backend load.
    const workers = Array.from({length: threads - 1}, () => new Worker(new URL('./hash-worker.js', import.meta.url), {workerData: recipe}));
    const results: FileDigest[] = new Array(files.length);
    let remainingBytes = files.reduce((sum, file) => sum + file.size, 0);
    let next = 0;
    let completed = 0;
    let hashedBytes = 0;
    let settled = false;
    return new Promise<FileDigest[]>((resolve, reject) => {
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        for (const worker of workers) void worker.terminate();
        if (error) reject(error);
        else resolve(results);
      };
      interface Lane {
        post(batch: HashBatch): void;
      }
      // Batches shrink as the work runs out, so that no thread is left with a long batch while the others idle.
      const feed = (lane: Lane) => {
        if (next >= files.length) return;
        const budget = Math.min(BATCH_MAX_BYTES, Math.max(BATCH_MIN_BYTES, remainingBytes / (threads * 4)));
        const first = next;
        let bytes = 0;
        const paths: string[] = [];
        const sizes: number[] = [];
        while (next < files.length && paths.length < BATCH_MAX_FILES && (paths.length === 0 || bytes < budget)) {
          const file = files[next++] as FileToHash;
          paths.push(file.path);
          sizes.push(file.size);
          bytes += file.size;
        }
        remainingBytes -= bytes;
        lane.post({first, paths, sizes});
      };
      const onReply = (reply: HashReply, lane: Lane) => {
        if (settled) return;
        if ('error' in reply) {
          const {code, message, hint, exitCode} = reply.error;
          finish(new CodexError(code, message, {hint, exitCode: exitCode as ExitCodeValue}));
          return;
        }
        reply.digests.forEach(({hex, bytes}, k) => {
          const index = reply.first + k;
          results[index] = {path: (files[index] as FileToHash).path, hex, bytes};
          hashedBytes += bytes;
        });
        completed += reply.digests.length;
        options.onProgress?.(hashedBytes);
        if (completed === files.length) finish();
        else feed(lane);
      };

      // The calling thread's lane: one batch at a time, each started from setImmediate so that worker replies
      // are handled between batches. Large files take the streaming path there, so the event loop keeps turning.
      const queue: HashBatch[] = [];
      const buffer = Buffer.allocUnsafe(READ_CHUNK);
      let running = false;
      const local: Lane = {
        post: (batch) => {
          queue.push(batch);
          runLocal();
        },
      };
      const runLocal = () => {
        if (running || queue.length === 0) return;
        running = true;
        setImmediate(() => {
          const batch = queue.shift() as HashBatch;
          void hashBatch(this.hasher, batch, buffer, SYNC_READ_MAX_BYTES).then((reply) => {
            running = false;
            onReply(reply, local);
            if (!settled) runLocal();
          });
        });
      };

      for (const worker of workers) {
        const lane: Lane = {post: (batch) => worker.postMessage(batch)};
        worker.on('message', (reply: HashReply) => onReply(reply, lane));
        worker.on('error', (error) => finish(error));
        // Two batches in flight per worker hide the message round trip behind hashing.
        feed(lane);
        feed(lane);
      }
      feed(local);
    });
  }
}
