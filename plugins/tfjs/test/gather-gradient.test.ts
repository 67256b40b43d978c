import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {SeededRandom} from '@codex-ml/core';
import {loadTfBackend, setJsKernels} from '../src/index.js';
import {embeddingLookup} from '../src/ops/embedding-lookup.js';
import {maxAbsDiff} from './toy-data.js';

const VOCAB = 37;
const WIDTH = 16;
// Repeated ids (3, 0, 36 several times) so rows must accumulate, and an unused range so zeros must stay zero.
const IDS = Int32Array.from([3, 0, 36, 3, 5, 3, 36, 0, 7, 7, 7, 12, 35, 3, 0, 1]);

function table(): Float32Array {
  return new SeededRandom(11).normalArray(VOCAB * WIDTH, 1);
}

function upstream(): Float32Array {
  return new SeededRandom(12).normalArray(IDS.length * WIDTH, 1);
}

/** Gradient of Σ(gather(table, ids) ⊙ u) with respect to the table: the scatter-add of u's rows. */
function gatherGradient(lookup: (t: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D): Float32Array {
  return tf.tidy(() => {
    const ids = tf.tensor1d(IDS, 'int32');
    const u = tf.tensor2d(upstream(), [IDS.length, WIDTH]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, ids), u)))(tf.tensor2d(table(), [VOCAB, WIDTH]));
    return grad.dataSync() as Float32Array;
  });
}

function expectedGradient(): Float32Array {
  const u = upstream();
  const out = new Float64Array(VOCAB * WIDTH);
  IDS.forEach((id, i) => {
    for (let j = 0; j < WIDTH; j++) out[id * WIDTH + j] = (out[id * WIDTH + j] as number) + (u[i * WIDTH + j] as number);
  });
  return Float32Array.from(out);
}

test.serial('tf.gather has a gradient on wasm (registered UnsortedSegmentSum) equal to the cpu backend', async (t) => {
  await loadTfBackend('cpu');
  const onCpu = gatherGradient((table, ids) => tf.gather(table, ids));
  await loadTfBackend('wasm');
  const onWasm = gatherGradient((table, ids) => tf.gather(table, ids));
  t.true(maxAbsDiff(onWasm, onCpu) < 1e-6, `max diff ${maxAbsDiff(onWasm, onCpu)}`);
  t.true(maxAbsDiff(onWasm, expectedGradient()) < 1e-6);
  // Rows no id points at get exactly zero.
  t.true(onWasm.subarray(20 * WIDTH, 35 * WIDTH).every((value) => value === 0));
});

test.serial('tf.gather gradient matches central finite differences on wasm', async (t) => {
  await loadTfBackend('wasm');
  const analytic = gatherGradient((table, ids) => tf.gather(table, ids));
  const base = table();
  const u = upstream();
  const objective = (values: Float32Array) => {
    let sum = 0;
    IDS.forEach((id, i) => {
      for (let j = 0; j < WIDTH; j++) sum += (values[id * WIDTH + j] as number) * (u[i * WIDTH + j] as number);
    });
    return sum;
  };
  for (const index of [3 * WIDTH + 2, 36 * WIDTH + 15, 7 * WIDTH, 20 * WIDTH + 4]) {
    const plus = base.slice();
    const minus = base.slice();
    plus[index] = (plus[index] as number) + 1e-2;
    minus[index] = (minus[index] as number) - 1e-2;
    const numeric = (objective(plus) - objective(minus)) / 2e-2;
    t.true(Math.abs(numeric - (analytic[index] as number)) < 1e-3, `index ${index}: ${numeric} vs ${analytic[index]}`);
  }
});

test.serial("the model's embedding lookup (scatter-add gradient) equals tf.gather's on both backends", async (t) => {
  const expected = expectedGradient();
  for (const backend of ['wasm', 'cpu'] as const) {
    await loadTfBackend(backend);
    for (const js of [true, false]) {
      setJsKernels(js);
      const grad = gatherGradient(embeddingLookup);
      t.true(maxAbsDiff(grad, expected) < 1e-6, `${backend}, js kernels ${js}: ${maxAbsDiff(grad, expected)}`);
    }
  }
  setJsKernels(undefined);
});
