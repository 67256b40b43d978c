import {parentPort, workerData} from 'node:worker_threads';
import {type BackendRecipe, loadBackend} from '../backend-loader.js';
import type {Hasher} from '../contracts/hasher.js';
import {type HashBatch, hashBatch} from './hash-batch.js';
import {READ_CHUNK} from './hash-file.js';

const recipe = workerData as BackendRecipe<'hasher'>;
const port = parentPort;
// Loaded as soon as the worker starts, so the backend (WASM compile, native addon) loads while the main
// thread is still preparing the first batch.
const hasher: Promise<Hasher> = loadBackend(recipe.backend, recipe.options);
// Avoid an unhandled rejection before the first batch arrives; the batch reports the failure.
hasher.catch(() => undefined);
// Blocking reads only stall this worker, so every file is read that way, into one buffer.
const buffer = Buffer.allocUnsafe(READ_CHUNK);

port?.on('message', (batch: HashBatch) => {
  void hashBatch(hasher, batch, buffer, Number.POSITIVE_INFINITY).then((reply) => port.postMessage(reply));
});
