import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {
  AdamWOptimizer,
  clipByGlobalNorm,
  computeGradients,
  evaluateLoss,
  type GptConfig,
  GptModel,
  loadTfBackend,
  SgdOptimizer,
  setJsKernels,
  trainStep,
} from '../src/index.js';
import {sparseCrossEntropy} from '../src/ops/sparse-cross-entropy.js';
import {bitwiseEqual, maxAbsDiff, toyBatch} from './toy-data.js';

const TINY: GptConfig = {vocabSize: 40, contextLength: 16, layers: 2, heads: 2, dModel: 32, dropout: 0, tiedEmbeddings: true, seed: 7};

function weightsOf(model: GptModel): Map<string, Float32Array> {
  return model.getWeights();
}

function train(
  config: GptConfig,
  steps: number,
  from?: {weights: Map<string, Float32Array>; state: ReturnType<AdamWOptimizer['getState']>},
) {
  const model = GptModel.create(config);
  const optimizer = new AdamWOptimizer({learningRate: 0.01, weightDecay: 0.1});
  if (from) {
    model.setWeights(from.weights);
    optimizer.setState(from.state);
  }
  // A decaying rate, so that a resumed step must pick up the schedule where the original left it.
  const lrAt = (step: number) => 0.01 / (1 + step);
  const results = [];
  for (let i = 0; i < steps; i++) {
    const s = optimizer.step;
    results.push(trainStep(model, optimizer, [toyBatch(config.vocabSize, 4, config.contextLength, s * 5)], {lr: lrAt(s), clipNorm: 1}));
  }
  return {model, optimizer, results};
}

test.serial('two steps on toy data: loss decreases, nothing is NaN (wasm)', async (t) => {
  await loadTfBackend('wasm');
  const model = GptModel.create(TINY);
  const optimizer = new AdamWOptimizer({learningRate: 0.01, weightDecay: 0.01});
  const batch = toyBatch(TINY.vocabSize, 4, TINY.contextLength);
  const before = evaluateLoss(model, batch);
  const first = trainStep(model, optimizer, [batch], {lr: 0.01, clipNorm: 1});
  const second = trainStep(model, optimizer, [batch], {lr: 0.01, clipNorm: 1});
  const after = evaluateLoss(model, batch);
  t.true(Math.abs(before - Math.log(TINY.vocabSize)) < 0.2, `initial loss ${before} ≈ ln V`);
  t.is(first.loss, before);
  t.true(second.loss < first.loss && after < second.loss, `${first.loss} → ${second.loss} → ${after}`);
  t.true(first.finite && second.finite && Number.isFinite(first.gradNorm));
  t.is(first.tokens, 4 * TINY.contextLength);
  for (const [name, values] of model.getWeights()) t.true(values.every(Number.isFinite), name);
  t.is(optimizer.step, 2);
  const tensors = tf.memory().numTensors;
  trainStep(model, optimizer, [batch], {lr: 0.01, clipNorm: 1});
  t.is(tf.memory().numTensors, tensors, 'a step leaks no tensors');
  model.dispose();
  optimizer.dispose();
});

test.serial('same seed, same weights: init and training are bitwise reproducible, on wasm and cpu alike at init', async (t) => {
  await loadTfBackend('wasm');
  const a = train({...TINY, dropout: 0.1}, 3);
  const b = train({...TINY, dropout: 0.1}, 3);
  for (const [name, values] of weightsOf(a.model)) t.true(bitwiseEqual(values, weightsOf(b.model).get(name) as Float32Array), name);
  t.deepEqual(
    a.results.map((r) => r.loss),
    b.results.map((r) => r.loss),
  );
  const wasmInit = GptModel.create(TINY).getWeights();
  await loadTfBackend('cpu');
  const cpuInit = GptModel.create(TINY).getWeights();
  for (const [name, values] of wasmInit) t.true(bitwiseEqual(values, cpuInit.get(name) as Float32Array), name);
  const other = GptModel.create({...TINY, seed: 8}).getWeights();
  t.false(bitwiseEqual(other.get('wte') as Float32Array, cpuInit.get('wte') as Float32Array));
});

for (const backend of ['wasm', 'cpu'] as const) {
  test.serial(
    `${backend}: stopping after 2 steps and restoring weights + optimizer state continues bitwise like an uninterrupted run`,
    async (t) => {
      await loadTfBackend(backend);
      const config = {...TINY, dropout: 0.1};
      const full = train(config, 4);
      const half = train(config, 2);
      const resumed = train(config, 2, {weights: half.model.getWeights(), state: half.optimizer.getState()});
      t.is(resumed.optimizer.step, 4);
      for (const [name, values] of full.model.getWeights()) {
        t.true(bitwiseEqual(values, resumed.model.getWeights().get(name) as Float32Array), name);
      }
      t.deepEqual(
        resumed.results.map((r) => [r.loss, r.gradNorm]),
        full.results.slice(2).map((r) => [r.loss, r.gradNorm]),
      );
    },
  );
}

test.serial('fused JavaScript ops and the tensor-op path compute the same loss and gradients', async (t) => {
  await loadTfBackend('wasm');
  const model = GptModel.create({...TINY, tiedEmbeddings: false});
  const batch = toyBatch(TINY.vocabSize, 3, 12);
  setJsKernels(true);
  const js = computeGradients(model, batch, 0);
  setJsKernels(false);
  const tensor = computeGradients(model, batch, 0);
  setJsKernels(undefined);
  t.true(Math.abs(js.loss - tensor.loss) < 1e-5, `${js.loss} vs ${tensor.loss}`);
  t.deepEqual([...js.grads.keys()].sort(), [...tensor.grads.keys()].sort());
  for (const [name, grad] of js.grads) {
    const other = tensor.grads.get(name) as tf.Tensor;
    const scale = Math.max(1e-3, ...Array.from(other.dataSync(), Math.abs));
    t.true(maxAbsDiff(grad.dataSync(), other.dataSync()) / scale < 1e-4, name);
  }
});

test.serial('the engine gradient matches the cpu backend and finite differences', async (t) => {
  const batch = toyBatch(TINY.vocabSize, 2, 8);
  await loadTfBackend('cpu');
  const onCpu = computeGradients(GptModel.create(TINY), batch, 0);
  await loadTfBackend('wasm');
  const model = GptModel.create(TINY);
  const onWasm = computeGradients(model, batch, 0);
  t.true(Math.abs(onCpu.loss - onWasm.loss) < 1e-5);
  for (const [name, grad] of onWasm.grads) t.true(maxAbsDiff(grad.dataSync(), onCpu.grads.get(name)?.dataSync() ?? []) < 1e-5, name);
  // Finite differences on a few weights of the embedding, attention and MLP.
  const weights = model.getWeights();
  for (const [name, index] of [
    ['wte', 5],
    ['h.0.attn.wqkv', 40],
    ['h.1.mlp.wproj', 7],
    ['h.0.ln1.gamma', 3],
  ] as const) {
    const at = (delta: number) => {
      const copy = new Map(weights);
      const values = (weights.get(name) as Float32Array).slice();
      values[index] = (values[index] as number) + delta;
      copy.set(name, values);
      model.setWeights(copy);
      return evaluateLoss(model, batch);
    };
    const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
    const analytic = onWasm.grads.get(name)?.dataSync()[index] as number;
    t.true(Math.abs(numeric - analytic) < 2e-3, `${name}[${index}]: ${numeric} vs ${analytic}`);
  }
});

test.serial('gradient accumulation over two halves equals one step on the whole batch', async (t) => {
  await loadTfBackend('wasm');
  const whole = toyBatch(TINY.vocabSize, 4, TINY.contextLength);
  const half = (from: number) => ({
    batchSize: 2,
    length: whole.length,
    contexts: whole.contexts.slice(from * whole.length, (from + 2) * whole.length),
    targets: whole.targets.slice(from * whole.length, (from + 2) * whole.length),
  });
  const a = GptModel.create(TINY);
  const b = GptModel.create(TINY);
  // SGD, so that weights differ exactly by lr × the difference of the mean gradients.
  const one = trainStep(a, new SgdOptimizer({learningRate: 0.1}), [whole], {lr: 0.1});
  const two = trainStep(b, new SgdOptimizer({learningRate: 0.1}), [half(0), half(2)], {lr: 0.1});
  t.true(Math.abs(one.loss - two.loss) < 1e-5);
  t.true(Math.abs(one.gradNorm - two.gradNorm) < 1e-5);
  t.is(two.tokens, one.tokens);
  const wa = a.getWeights();
  for (const [name, values] of b.getWeights()) t.true(maxAbsDiff(values, wa.get(name) as Float32Array) < 1e-6, name);
});

test.serial('global-norm clipping scales every gradient by maxNorm / norm and reports the norm before', async (t) => {
  await loadTfBackend('wasm');
  const grads = new Map<string, tf.Tensor>([
    ['a', tf.tensor1d([3, 0])],
    ['b', tf.tensor2d([[0, 4]])],
  ]);
  const clipped = clipByGlobalNorm(grads, 1);
  t.is(clipped.norm, 5);
  t.deepEqual(Array.from(clipped.grads.get('a')?.dataSync() ?? []), [0.6000000238418579, 0]);
  t.deepEqual(Array.from(clipped.grads.get('b')?.dataSync() ?? []), [0, 0.800000011920929]);
  const unclipped = clipByGlobalNorm(clipped.grads, 10);
  t.true(Math.abs(unclipped.norm - 1) < 1e-6);
  t.is(unclipped.grads.get('a'), clipped.grads.get('a'));
});

test.serial('a non-finite loss skips the update and reports it', async (t) => {
  await loadTfBackend('wasm');
  const model = GptModel.create(TINY);
  const weights = model.getWeights();
  const poisoned = new Map(weights);
  const gamma = (weights.get('lnf.gamma') as Float32Array).slice();
  gamma[0] = Number.NaN;
  poisoned.set('lnf.gamma', gamma);
  model.setWeights(poisoned);
  const optimizer = new AdamWOptimizer({learningRate: 0.01});
  const result = trainStep(model, optimizer, [toyBatch(TINY.vocabSize, 2, 8)], {lr: 0.01, clipNorm: 1});
  t.false(result.finite);
  t.is(optimizer.step, 0);
  t.true(bitwiseEqual(model.getWeights().get('wte') as Float32Array, weights.get('wte') as Float32Array));
});

test.serial('model config errors and mismatched weights name the key or the parameter', async (t) => {
  await loadTfBackend('wasm');
  t.regex(t.throws(() => GptModel.create({...TINY, heads: 3}))?.message ?? '', /heads \(3\) must divide training\.tfjs\.dModel \(32\)/);
  const model = GptModel.create(TINY);
  const other = GptModel.create({...TINY, dModel: 16, heads: 2});
  t.regex(t.throws(() => model.setWeights(other.getWeights()))?.message ?? '', /weights for "[^"]+" have \d+ values, expected \d+/);
  const contexts = tf.zeros([1, 17], 'int32') as tf.Tensor2D;
  t.regex(t.throws(() => model.forward(contexts))?.message ?? '', /context of 17 tokens exceeds training\.model\.contextLength 16/);
  const logits = model.forward(tf.zeros([2, 5], 'int32') as tf.Tensor2D);
  t.deepEqual(logits.shape, [2, 5, 40]);
});

test.serial('the loss stays exact when a target probability underflows float32', async (t) => {
  await loadTfBackend('wasm');
  const logits = tf.tensor2d([0, 200, 1, 3, 2, 1], [2, 3]);
  const targets = tf.tensor1d([0, 2], 'int32');
  // Row 0: log(e^0 + e^200 + e^1) − 0 ≈ 200; row 1: log(e^3 + e^2 + e^1) − 1.
  const expected = (200 + Math.log(1 + Math.exp(-200) + Math.exp(-199)) + Math.log(Math.exp(3) + Math.exp(2) + Math.exp(1)) - 1) / 2;
  for (const js of [true, false]) {
    setJsKernels(js);
    const loss = (sparseCrossEntropy(logits, targets).dataSync() as Float32Array)[0] as number;
    t.true(Math.abs(loss - expected) < 1e-4, `js kernels ${js}: ${loss} vs ${expected}`);
  }
  setJsKernels(undefined);
});
