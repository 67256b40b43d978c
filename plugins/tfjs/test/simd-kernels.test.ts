import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {computeGradients, type GptConfig, GptModel, kernelPath, loadTfBackend, setKernelPath, simdKernelsReady} from '../src/index.js';
import {Triangle, compileSimdBuild, instantiateSimdModule, simdBuild} from '../src/kernels/simd-module.js';
import {simdColumnSums, simdMatMul} from '../src/kernels/simd-ops.js';
import {adamUpdate} from '../src/optimizers/adam-update.js';
import {bitwiseEqual, maxAbsDiff, toyBatch} from './toy-data.js';

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  const e = expected.dataSync();
  const scale = Math.max(1e-6, ...Array.from(e, Math.abs));
  return maxAbsDiff(actual.dataSync(), e) / scale;
}

test.serial('the wasm backend runs the model on the SIMD kernels', async (t) => {
  await loadTfBackend('wasm');
  t.true(simdKernelsReady());
  t.is(kernelPath(), 'simd');
  await loadTfBackend('cpu');
  t.false(simdKernelsReady(), 'not on another backend');
  t.is(kernelPath(), 'js');
});

// Edge tiles (m % 4, n % 8), depth and width across the gemm's blocking (256 × 512), and 1-wide operands.
const SHAPES: ReadonlyArray<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 16],
  [13, 300, 21],
  [6, 17, 530],
  [37, 260, 9],
];

for (const [m, k, n] of SHAPES) {
  test.serial(`gemm ${m}×${k}×${n}: all four transpose forms and the fused bias match tf.matMul`, async (t) => {
    await loadTfBackend('wasm');
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([k, n], 0, 1, 'float32', 2) as tf.Tensor2D;
    const bias = tf.randomNormal([n], 0, 1, 'float32', 3) as tf.Tensor1D;
    const expected = tf.matMul(a, b);
    const aT = tf.transpose(a) as tf.Tensor2D;
    const bT = tf.transpose(b) as tf.Tensor2D;
    t.true(relativeError(simdMatMul(a, b), expected) < 1e-6, 'NN');
    t.true(relativeError(simdMatMul(aT, b, true, false), expected) < 1e-6, 'TN');
    t.true(relativeError(simdMatMul(a, bT, false, true), expected) < 1e-6, 'NT');
    t.true(relativeError(simdMatMul(aT, bT, true, true), expected) < 1e-6, 'TT');
    t.true(relativeError(simdMatMul(a, b, false, false, bias), tf.add(expected, bias)) < 1e-6, 'bias');
    t.true(relativeError(simdColumnSums(b), tf.sum(b, 0)) < 1e-6, 'column sums');
    t.throws(() => simdMatMul(a, tf.zeros([k + 1, n]) as tf.Tensor2D), {message: /inner dimensions/});
  });
}

test.serial('a gemm row does not depend on the rows around it: the same row in two products has the same bits', async (t) => {
  await loadTfBackend('wasm');
  const a = tf.randomNormal([9, 70], 0, 1, 'float32', 4) as tf.Tensor2D;
  const b = tf.randomNormal([70, 19], 0, 1, 'float32', 5) as tf.Tensor2D;
  const whole = simdMatMul(a, b).arraySync();
  const part = simdMatMul(tf.slice(a, [5, 0], [3, 70]), b).arraySync();
  t.deepEqual(part, whole.slice(5, 8));
});

// Odd sizes everywhere: head size 6, context 11, vocabulary 37, three rows; tied and untied output.
const ODD: GptConfig = {vocabSize: 37, contextLength: 11, layers: 2, heads: 3, dModel: 18, dropout: 0, tiedEmbeddings: true, seed: 3};

for (const tiedEmbeddings of [true, false]) {
  test.serial(
    `SIMD, JavaScript and tensor paths give the same loss and gradients (${tiedEmbeddings ? 'tied' : 'untied'} output)`,
    async (t) => {
      await loadTfBackend('wasm');
      const model = GptModel.create({...ODD, tiedEmbeddings});
      const batch = toyBatch(ODD.vocabSize, 3, ODD.contextLength);
      const results = (['simd', 'js', 'tensor'] as const).map((path) => {
        setKernelPath(path);
        return computeGradients(model, batch, 0);
      });
      setKernelPath(undefined);
      const [simd, js, tensor] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
      t.true(Math.abs(simd.loss - js.loss) < 1e-5 && Math.abs(simd.loss - tensor.loss) < 1e-5, `${simd.loss} ${js.loss} ${tensor.loss}`);
      for (const [name, grad] of simd.grads) {
        t.true(relativeError(grad, js.grads.get(name) as tf.Tensor) < 1e-4, `${name} vs js`);
        t.true(relativeError(grad, tensor.grads.get(name) as tf.Tensor) < 1e-4, `${name} vs tensor`);
      }
      // The forward pass alone (what generation compares against) agrees to float32 round-off.
      const contexts = tf.tensor2d(batch.contexts, [3, ODD.contextLength], 'int32');
      setKernelPath('simd');
      const simdLogits = model.forward(contexts);
      setKernelPath('tensor');
      const tensorLogits = model.forward(contexts);
      setKernelPath(undefined);
      t.true(maxAbsDiff(simdLogits.dataSync(), tensorLogits.dataSync()) < 1e-5);
      model.dispose();
    },
  );
}

test.serial('the one-pass Adam(W) kernel gives the bits of the elementwise tensor ops', async (t) => {
  await loadTfBackend('wasm');
  const shape = [7, 13];
  const [param, grad, m] = [1, 2, 3].map((seed) => tf.randomNormal(shape, 0, 1, 'float32', seed));
  const v = tf.abs(tf.randomNormal(shape, 0, 1, 'float32', 4));
  const hyper = {beta1: 0.9, beta2: 0.99, epsilon: 1e-8};
  for (const decay of [1, 1 - 0.003 * 0.1]) {
    const updates = (['simd', 'tensor'] as const).map((path) => {
      setKernelPath(path);
      const {value, m: m1, v: v1} = adamUpdate(param as tf.Tensor, grad as tf.Tensor, m as tf.Tensor, v, 0.003, 5, hyper, decay);
      return [value, m1, v1].map((tensor) => tensor.dataSync() as Float32Array);
    });
    setKernelPath(undefined);
    const [simd, tensor] = updates as [Float32Array[], Float32Array[]];
    for (const [i, values] of simd.entries()) t.true(bitwiseEqual(values, tensor[i] as Float32Array), `decay ${decay}, output ${i}`);
  }
});

test.serial('on wasm a clone shares its data: counted once, and alive after the original is disposed', async (t) => {
  await loadTfBackend('wasm');
  const before = tf.memory();
  const original = tf.tensor1d([1, 2, 3]);
  const clone = tf.clone(original);
  t.is(tf.memory().numDataBuffers - before.numDataBuffers, 1, 'one buffer for both');
  original.dispose();
  t.deepEqual(Array.from(clone.dataSync()), [1, 2, 3]);
  clone.dispose();
  t.is(tf.memory().numBytes, before.numBytes);
  t.is(tf.memory().numTensors, before.numTensors);
});

test.serial('the GEMM fuses multiply-adds (the relaxed-SIMD build loads), and the plain build agrees with it', async (t) => {
  t.is(await simdBuild(), 'simd-kernels-relaxed.wasm');
  const [m, k, n] = [37, 300, 45];
  const products: Float32Array[] = [];
  for (const file of ['simd-kernels-relaxed.wasm', 'simd-kernels.wasm']) {
    const module = await compileSimdBuild(file);
    if (!module) return t.fail(`${file} does not compile`);
    const memory = new WebAssembly.Memory({initial: 64});
    const kernels = instantiateSimdModule(module, memory);
    const heap = new Float32Array(memory.buffer);
    const [a, b, c, work] = [1 << 16, 1 << 18, 1 << 20, 1 << 21];
    for (let i = 0; i < m * k; i++) heap[a / 4 + i] = Math.sin(i);
    for (let i = 0; i < k * n; i++) heap[b / 4 + i] = Math.cos(3 * i);
    kernels.gemm(a, k, 0, b, n, 0, c, n, m, n, k, 0, 0, Triangle.none, work);
    products.push(heap.slice(c / 4, c / 4 + m * n));
  }
  const [fused, plain] = products as [Float32Array, Float32Array];
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let exact = 0;
      for (let p = 0; p < k; p++) exact += Math.sin(i * k + p) * Math.cos(3 * (p * n + j));
      worst = Math.max(worst, Math.abs((fused[i * n + j] as number) - exact), Math.abs((plain[i * n + j] as number) - exact));
    }
  }
  t.true(worst < 1e-3, `both builds within 1e-3 of the float64 product (worst ${worst})`);
});
