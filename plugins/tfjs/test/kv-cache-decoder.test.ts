import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {AdamWOptimizer, type GptConfig, GptModel, loadTfBackend, trainStep} from '../src/index.js';
import {GptWeights} from '../src/inference/gpt-weights.js';
import {KvCacheDecoder} from '../src/inference/kv-cache-decoder.js';
import {matrixVector} from '../src/inference/vector-kernels.js';
import {maxAbsDiff, toyBatch} from './toy-data.js';

/** Logits of the cache and of a full forward pass agree to float32 rounding of sums over ≤ 4·d terms. */
const TOLERANCE = 1e-4;

const TIED: GptConfig = {vocabSize: 40, contextLength: 12, layers: 2, heads: 2, dModel: 16, dropout: 0, tiedEmbeddings: true, seed: 3};

/** A model trained a few steps, so biases, gains and embeddings are all away from their initial values. */
function trained(config: GptConfig): GptModel {
  const model = GptModel.create(config);
  const optimizer = new AdamWOptimizer({learningRate: 0.02, weightDecay: 0.01});
  for (let step = 0; step < 4; step++) trainStep(model, optimizer, [toyBatch(config.vocabSize, 4, config.contextLength, step)], {lr: 0.02});
  optimizer.dispose();
  return model;
}

function forwardLogits(model: GptModel, ids: readonly number[]): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor2d([...ids], [1, ids.length], 'int32')).dataSync() as Float32Array);
}

for (const tiedEmbeddings of [true, false]) {
  test.serial(
    `KV-cache logits equal a full forward pass at every position (${tiedEmbeddings ? 'tied' : 'untied'} embeddings)`,
    async (t) => {
      await loadTfBackend('wasm');
      const config = {...TIED, tiedEmbeddings};
      const model = trained(config);
      t.teardown(() => model.dispose());
      const ids = [5, 17, 3, 3, 39, 0, 21, 8, 11, 30, 2, 14];
      const full = forwardLogits(model, ids);
      const decoder = new KvCacheDecoder(GptWeights.from(config, model.getWeights()));
      let worst = 0;
      for (let position = 0; position < ids.length; position++) {
        const logits = decoder.append([ids[position] as number]);
        const expected = full.subarray(position * config.vocabSize, (position + 1) * config.vocabSize);
        worst = Math.max(worst, maxAbsDiff(logits, expected));
      }
      t.log(`max |Δlogit| ${worst}`);
      t.true(worst <= TOLERANCE, `max |Δlogit| ${worst}`);
      t.is(decoder.length, ids.length);

      // Feeding several tokens at once is the same as one by one; reset starts over.
      decoder.reset();
      const prefix = decoder.append(ids.slice(0, 7));
      t.true(maxAbsDiff(prefix, full.subarray(6 * config.vocabSize, 7 * config.vocabSize)) <= TOLERANCE);
    },
  );
}

test.serial('the decoder refuses to go past the context window or outside the vocabulary', async (t) => {
  await loadTfBackend('wasm');
  const model = GptModel.create(TIED);
  t.teardown(() => model.dispose());
  const decoder = new KvCacheDecoder(GptWeights.from(TIED, model.getWeights()));
  decoder.append(Array.from({length: TIED.contextLength}, (_, i) => i));
  t.throws(() => decoder.append([1]), {message: /13 tokens exceed the model's context window of 12/});
  decoder.reset();
  t.throws(() => decoder.append([40]), {message: /token id 40 is outside the vocabulary \[0, 40\)/});
  t.throws(() => decoder.append([]), {instanceOf: RangeError});
});

test.serial('weights are read by name and checked: a missing, wrongly sized or surplus tensor is named', async (t) => {
  await loadTfBackend('wasm');
  const model = GptModel.create(TIED);
  t.teardown(() => model.dispose());
  const weights = model.getWeights();
  t.is(GptWeights.from(TIED, weights).parameterCount, model.parameterCount);
  const missing = new Map(weights);
  missing.delete('h.1.mlp.wproj');
  t.throws(() => GptWeights.from(TIED, missing), {message: /"h.1.mlp.wproj" are missing/});
  const short = new Map(weights).set('wpe', new Float32Array(3));
  t.throws(() => GptWeights.from(TIED, short), {message: /"wpe" have 3 values, expected 192/});
  const surplus = new Map(weights).set('lm_head', new Float32Array(16 * 40));
  t.throws(() => GptWeights.from(TIED, surplus), {message: /unknown parameter "lm_head"/});
  t.throws(() => GptWeights.from({...TIED, heads: 3}, weights), {message: /not a multiple of its 3 heads/});
});

test('matrixVector equals the naive product for any number of rows and any width, bias or not', (t) => {
  for (const [rows, width] of [
    [1, 1],
    [3, 5],
    [4, 8],
    [7, 13],
  ] as const) {
    const matrix = Float32Array.from({length: rows * width}, (_, i) => Math.sin(i + 1));
    const x = Float32Array.from({length: width}, (_, i) => Math.cos(i));
    const bias = Float32Array.from({length: rows}, (_, i) => i / 10);
    const expected = Array.from({length: rows}, (_, r) => {
      let sum = 0;
      for (let i = 0; i < width; i++) sum += (matrix[r * width + i] as number) * (x[i] as number);
      return sum;
    });
    t.true(maxAbsDiff(matrixVector(matrix, x, rows, new Float32Array(rows)), expected) < 1e-6, `${rows}×${width}`);
    const biased = expected.map((value, r) => value + (bias[r] as number));
    t.true(maxAbsDiff(matrixVector(matrix, x, rows, new Float32Array(rows), bias), biased) < 1e-6, `${rows}×${width} + bias`);
  }
});
