import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {AdamWOptimizer, type GptConfig, GptModel, loadTfBackend, trainStep} from '../src/index.js';
import {toyBatch} from './toy-data.js';

// Its own file, so that the process it measures has done nothing else (threads started and stopped by other
// tests leave the allocator's arenas in flux).
test.serial('tensor count, wasm heap and RSS stay flat over 1,000 steps', async (t) => {
  await loadTfBackend('wasm');
  const config: GptConfig = {vocabSize: 20, contextLength: 8, layers: 1, heads: 2, dModel: 16, dropout: 0, tiedEmbeddings: true, seed: 1};
  const model = GptModel.create(config);
  const optimizer = new AdamWOptimizer({learningRate: 0.001});
  const batch = toyBatch(config.vocabSize, 4, config.contextLength);
  const heap = () => (tf.backend() as unknown as {wasm: {HEAPU8: Uint8Array}}).wasm.HEAPU8.length;
  // A full collection before each RSS reading, so that garbage not yet collected does not count as growth.
  setFlagsFromString('--expose-gc');
  const gc: () => void = runInNewContext('gc');
  for (let i = 0; i < 300; i++) trainStep(model, optimizer, [batch], {lr: 0.001, clipNorm: 1});
  const tensors = tf.memory().numTensors;
  const bytes = tf.memory().numBytes;
  const heapBytes = heap();
  gc();
  const {rss, heapUsed} = process.memoryUsage();
  for (let i = 0; i < 700; i++) {
    trainStep(model, optimizer, [batch], {lr: 0.001, clipNorm: 1});
    if (i % 100 === 0) t.is(tf.memory().numTensors, tensors, `tensor count after ${300 + i} steps`);
  }
  t.is(tf.memory().numTensors, tensors);
  t.is(tf.memory().numBytes, bytes);
  t.is(heap(), heapBytes, 'the wasm heap did not grow');
  gc();
  // Exact above; here a bound a leak of a few tens of kilobytes per step would exceed, with room for the JIT.
  const after = process.memoryUsage();
  const growth = (after.rss - rss) / 2 ** 20;
  t.true(growth < 16, `RSS grew by ${growth.toFixed(1)} MiB over 700 steps`);
  t.true(after.heapUsed - heapUsed < 4 * 2 ** 20, `the JavaScript heap grew by ${((after.heapUsed - heapUsed) / 2 ** 20).toFixed(1)} MiB`);
  optimizer.dispose();
  model.dispose();
});
