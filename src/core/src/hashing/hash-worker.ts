import {parentPort, workerData} from 'node:worker_threads';
import type {Hasher} from '../contracts/hasher.js';
import {type RegisteredBackend, instantiateBackend} from '../registry.js';
import {type HashBatch, hashBatch} from './hash-batch.js';
import {READ_CHUNK} from './hash-file.js';

const backend = workerData as Pick<RegisteredBackend<'hasher'>, 'contract' | 'name' | 'plugin' | 'spec'>;
const port = parentPort;
// Loaded as soon as the worker starts, so the backend (WASM compile, native addon) loads while the main
// thread is still preparing the first batch.
const hasher: Promise<Hasher> = instantiateBackend(backend);
// Avoid an unhandled rejection before the first batch arrives; the batch reports the failure.
hasher.catch(() => undefined);
// Blocking reads only stall this worker, so every file is read that way, into one buffer.
const buffer = Buffer.allocUnsafe(READ_CHUNK);

port?.on('message', (batch: HashBatch) => {
  void hashBatch(hasher, batch, buffer, Number.POSITIVE_INFINITY).then((reply) => port.postMessage(reply));
});
