import {parentPort, workerData} from 'node:worker_threads';
import type {Hasher} from '../contracts/hasher.js';
import {isCodexError} from '../errors.js';
import {type RegisteredBackend, instantiateBackend} from '../registry.js';
import {hashFile} from './hash-file.js';

/** Messages between `ParallelFileHasher` and its workers. */
export interface HashTask {
  readonly index: number;
  readonly path: string;
}

export type HashReply =
  | {readonly index: number; readonly hex: string; readonly bytes: number}
  | {readonly index: number; readonly error: {code: string; message: string; hint?: string; exitCode: number}};

const backend = workerData as Pick<RegisteredBackend<'hasher'>, 'contract' | 'name' | 'plugin' | 'spec'>;
const port = parentPort;
let hasher: Promise<Hasher> | undefined;

port?.on('message', (task: HashTask) => {
  hasher ??= instantiateBackend(backend);
  void hasher
    .then(async (instance) => {
      let bytes = 0;
      const hex = await hashFile(instance, task.path, {onProgress: (total) => (bytes = total)});
      port.postMessage({index: task.index, hex, bytes} satisfies HashReply);
    })
    .catch((error: unknown) => {
      const reply = isCodexError(error)
        ? {code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode}
        : {code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error), exitCode: 1};
      port.postMessage({index: task.index, error: reply} satisfies HashReply);
    });
});
