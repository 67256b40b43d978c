import {availableParallelism} from 'node:os';
import {Worker} from 'node:worker_threads';
import type {Hasher} from '../contracts/hasher.js';
import {CodexError, type ExitCodeValue} from '../errors.js';
import type {RegisteredBackend} from '../registry.js';
import {hashFile} from './hash-file.js';
import type {HashReply, HashTask} from './hash-worker.js';

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
  /** Worker threads; default: available cores. 1 hashes on the calling thread. */
  readonly threads?: number;
  /** Total bytes hashed so far, called as files complete. */
  readonly onProgress?: (bytes: number) => void;
}

/** Below this much data, starting workers (and loading the backend in each) costs more than it saves. */
const PARALLEL_THRESHOLD_BYTES = 64 << 20;

/**
 * Hashes many files across cores. Each worker loads the backend from its registered module, so any
 * plugin's hasher runs in parallel without special support. Results come back in input order.
 */
export class ParallelFileHasher {
  constructor(
    private readonly hasher: Hasher,
    private readonly backend: Pick<RegisteredBackend<'hasher'>, 'contract' | 'name' | 'plugin' | 'spec'>,
  ) {}

  async hashFiles(files: readonly FileToHash[], options: ParallelHashOptions = {}): Promise<FileDigest[]> {
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const threads = Math.min(options.threads ?? availableParallelism(), files.length);
    if (threads <= 1 || total < PARALLEL_THRESHOLD_BYTES) return this.hashSequentially(files, options);
    return this.hashWithWorkers(files, threads, options);
  }

  private async hashSequentially(files: readonly FileToHash[], options: ParallelHashOptions): Promise<FileDigest[]> {
    const digests: FileDigest[] = [];
    let done = 0;
    for (const file of files) {
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

  private hashWithWorkers(files: readonly FileToHash[], threads: number, options: ParallelHashOptions): Promise<FileDigest[]> {
    const backend = {contract: this.backend.contract, name: this.backend.name, plugin: this.backend.plugin, spec: this.backend.spec};
    const workers = Array.from({length: threads}, () => new Worker(new URL('./hash-worker.js', import.meta.url), {workerData: backend}));
    const results: FileDigest[] = new Array(files.length);
    let next = 0;
    let completed = 0;
    let hashedBytes = 0;
    return new Promise<FileDigest[]>((resolve, reject) => {
      let failed = false;
      const finish = (error?: unknown) => {
        if (failed) return;
        if (error) failed = true;
        for (const worker of workers) void worker.terminate();
        if (error) reject(error);
        else resolve(results);
      };
      const feed = (worker: Worker) => {
        if (next >= files.length) return;
        const index = next++;
        worker.postMessage({index, path: (files[index] as FileToHash).path} satisfies HashTask);
      };
      for (const worker of workers) {
        worker.on('message', (reply: HashReply) => {
          if ('error' in reply) {
            const {code, message, hint, exitCode} = reply.error;
            finish(new CodexError(code, message, {hint, exitCode: exitCode as ExitCodeValue}));
            return;
          }
          results[reply.index] = {path: (files[reply.index] as FileToHash).path, hex: reply.hex, bytes: reply.bytes};
          hashedBytes += reply.bytes;
          options.onProgress?.(hashedBytes);
          completed++;
          if (completed === files.length) finish();
          else feed(worker);
        });
        worker.on('error', (error) => finish(error));
        // Two tasks in flight per worker hide the message round trip behind hashing.
        feed(worker);
        feed(worker);
      }
    });
  }
}
