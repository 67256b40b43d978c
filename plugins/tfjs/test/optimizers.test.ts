import {loadBackend, isCodexError, type Optimizer, type OptimizerFactory, type OptimizerState} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {AdamOptimizer, AdamWOptimizer, loadTfBackend, MomentumOptimizer, SgdOptimizer} from '../src/index.js';
import register from '../src/hooks/register.js';
import {bitwiseEqual} from './toy-data.js';

type TfOptimizer = Optimizer<tf.Variable, tf.Tensor>;

const OPTIMIZERS: ReadonlyArray<[string, (lr: number) => TfOptimizer]> = [
  ['sgd', (lr) => new SgdOptimizer({learningRate: lr})],
  ['momentum', (lr) => new MomentumOptimizer({learningRate: lr, params: {momentum: 0.9}})],
  ['adam', (lr) => new AdamOptimizer({learningRate: lr})],
  ['adamw', (lr) => new AdamWOptimizer({learningRate: lr, weightDecay: 0.01})],
];

test.before(async () => {
  await loadTfBackend('wasm');
});

/** Convex quadratic ½‖A·w − y‖² on a 2-D parameter (so weight decay applies), with its exact gradient. */
function quadratic(): {params: Map<string, tf.Variable>; loss: () => number; grads: () => Map<string, tf.Tensor>} {
  const a = tf.tensor2d([2, 0.5, 0.5, 1, 0, 0.3], [3, 2]);
  const y = tf.tensor2d([1, -2, 0.5, 3, 1, -1], [3, 2]);
  const w = tf.variable(tf.tensor2d([0.5, -0.5, 1, 2], [2, 2]));
  const bias = tf.variable(tf.tensor1d([0.3, -0.2]));
  const residual = () => tf.sub(tf.add(tf.matMul(a, w), bias), y);
  return {
    params: new Map<string, tf.Variable>([
      ['bias', bias],
      ['w', w],
    ]),
    loss: () => tf.tidy(() => (tf.mul(0.5, tf.sum(tf.square(residual()))).dataSync() as Float32Array)[0] as number),
    grads: () => {
      const r = residual();
      const grads = new Map<string, tf.Tensor>([
        ['w', tf.matMul(a, r, true, false)],
        ['bias', tf.sum(r, 0)],
      ]);
      r.dispose();
      return grads;
    },
  };
}

function step(optimizer: TfOptimizer, problem: ReturnType<typeof quadratic>, lr: number): void {
  const grads = problem.grads();
  optimizer.applyGradients(problem.params, grads, lr);
  for (const grad of grads.values()) grad.dispose();
}

for (const [name, create] of OPTIMIZERS) {
  test(`${name} decreases the loss of a convex quadratic`, (t) => {
    const problem = quadratic();
    const optimizer = create(0.05);
    const start = problem.loss();
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      step(optimizer, problem, 0.05);
      losses.push(problem.loss());
    }
    t.is(optimizer.step, 30);
    t.true((losses.at(-1) as number) < start * 0.5, `${name}: ${start} → ${losses.at(-1)}`);
    t.true(losses.every(Number.isFinite));
  });

  test(`${name} state round trip: restored optimizer makes bitwise the same next updates`, (t) => {
    const original = quadratic();
    const optimizer = create(0.05);
    for (let i = 0; i < 3; i++) step(optimizer, original, 0.05);
    const state = optimizer.getState();

    // A fresh optimizer and fresh parameters holding the same values, as after loading a checkpoint.
    const restored = quadratic();
    for (const [key, variable] of original.params) restored.params.get(key)?.assign(tf.tensor(variable.dataSync(), variable.shape));
    const twin = create(0.05);
    twin.setState(roundTripThroughBytes(state));
    t.deepEqual(comparable(twin.getState()), comparable(state));
    t.is(twin.step, 3);

    for (let i = 0; i < 2; i++) {
      step(optimizer, original, 0.04);
      step(twin, restored, 0.04);
    }
    for (const [key, variable] of original.params) {
      t.true(bitwiseEqual(variable.dataSync() as Float32Array, restored.params.get(key)?.dataSync() as Float32Array), key);
    }
    t.deepEqual(comparable(twin.getState()), comparable(optimizer.getState()));
  });
}

test('adamw state holds the step, the hyper-parameters and both moments of every parameter', (t) => {
  const problem = quadratic();
  const optimizer = new AdamWOptimizer({learningRate: 0.01, weightDecay: 0.1, params: {beta1: 0.8, beta2: 0.95}});
  step(optimizer, problem, 0.01);
  step(optimizer, problem, 0.01);
  const state = optimizer.getState();
  t.is(state.type, 'adamw');
  t.is(state.step, 2);
  t.like(state.hyper, {learningRate: 0.01, weightDecay: 0.1, beta1: 0.8, beta2: 0.95, epsilon: 1e-8});
  t.deepEqual(Object.keys(state.slots), ['bias', 'w']);
  t.deepEqual(Object.keys(state.slots['w'] ?? {}), ['m', 'v']);
  t.is(state.slots['w']?.['m']?.length, 4);
  // getState returns copies: mutating them changes nothing.
  (state.slots['w']?.['m'] as Float32Array)[0] = 42;
  t.not(optimizer.getState().slots['w']?.['m']?.[0], 42);
});

test('adamw decoupled weight decay matches its formula on a hand-checked example', (t) => {
  // One step, lr 0.1, wd 0.5, β1 0.9, β2 0.999, ε 1e-8, on w = [[2, -1], [0.5, 4]] with gradient g:
  //   w ← w·(1 − lr·wd) − lr · m̂ / (√v̂ + ε), and at step 1 m̂ = g, v̂ = g², so the Adam part is lr·sign(g)
  //   (up to ε). w = 2, g = 0.3:   2·0.95 − 0.1·0.3/(0.3 + 1e-8) = 1.9 − 0.1 = 1.8
  //   w = −1, g = −2:              −0.95 + 0.1 = −0.85;   w = 0.5, g = 0: 0.475;   w = 4, g = 1: 3.8 − 0.1 = 3.7
  const w = tf.variable(tf.tensor2d([2, -1, 0.5, 4], [2, 2]));
  const bias = tf.variable(tf.tensor1d([1, 1]));
  const optimizer = new AdamWOptimizer({learningRate: 0.1, weightDecay: 0.5, params: {beta1: 0.9, beta2: 0.999, epsilon: 1e-8}});
  const grads = new Map<string, tf.Tensor>([
    ['w', tf.tensor2d([0.3, -2, 0, 1], [2, 2])],
    ['bias', tf.tensor1d([0, 0])],
  ]);
  optimizer.applyGradients(
    new Map<string, tf.Variable>([
      ['w', w],
      ['bias', bias],
    ]),
    grads,
    0.1,
  );
  const expected = [1.8, -0.85, 0.475, 3.7];
  const actual = Array.from(w.dataSync());
  for (const [i, value] of actual.entries())
    t.true(Math.abs(value - (expected[i] as number)) < 1e-6, `w[${i}] = ${value}, expected ${expected[i]}`);
  // Biases are not decayed (and have zero gradient here), so they stay put.
  t.deepEqual(Array.from(bias.dataSync()), [1, 1]);

  // Second step with g = 0 everywhere: the moments decay, the update is pure decay plus the moment term:
  // m = 0.9·g1·(1) → m̂ = 0.09·g1/0.19, v̂ = 0.000999·g1²/0.001999; for w[0]: 1.8·0.95 − 0.1·m̂/√v̂.
  const zero = new Map<string, tf.Tensor>([['w', tf.zeros([2, 2])]]);
  optimizer.applyGradients(new Map([['w', w]]), zero, 0.1);
  const mHat = (0.09 * 0.3) / 0.19;
  const vHat = (0.000999 * 0.09) / (1 - 0.999 ** 2);
  const second = 1.8 * 0.95 - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
  t.true(Math.abs((w.dataSync()[0] as number) - second) < 1e-5, `w[0] = ${w.dataSync()[0]}, expected ${second}`);
});

test('setState refuses another optimizer type and slots of the wrong size, naming them', (t) => {
  const adam = new AdamOptimizer({learningRate: 0.1});
  const problem = quadratic();
  step(adam, problem, 0.1);
  const adamw = new AdamWOptimizer({learningRate: 0.1});
  const wrongType = t.throws(() => adamw.setState(adam.getState()));
  t.true(isCodexError(wrongType));
  t.regex(wrongType?.message ?? '', /adam v1, this optimizer is adamw v1/);

  const state = adam.getState();
  const truncated: OptimizerState = {...state, slots: {...state.slots, w: {m: new Float32Array(3), v: new Float32Array(3)}}};
  const twin = new AdamOptimizer({learningRate: 0.1});
  twin.setState(truncated);
  const wrongSize = t.throws(() => step(twin, quadratic(), 0.1));
  t.regex(wrongSize?.message ?? '', /slot "m" of "w" has 3 values, the parameter has 4/);
});

test('invalid hyper-parameters are one-line errors naming the config key', (t) => {
  const error = t.throws(() => new AdamWOptimizer({learningRate: -1}));
  t.true(isCodexError(error));
  t.regex(error?.message ?? '', /training\.optimizer\.learningRate must be a positive number for adamw, got -1/);
  t.regex(
    t.throws(() => new MomentumOptimizer({learningRate: 0.1, params: {momentum: 1}}))?.message ?? '',
    /momentum must be a number in \[0, 1\)/,
  );
});

/** What a checkpoint does to state: bytes out, bytes in. */
function roundTripThroughBytes(state: OptimizerState): OptimizerState {
  const slots: Record<string, Record<string, Float32Array>> = {};
  for (const [name, entry] of Object.entries(state.slots)) {
    slots[name] = {};
    for (const [slot, values] of Object.entries(entry)) {
      slots[name][slot] = new Float32Array(
        new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)).buffer,
      );
    }
  }
  const header = JSON.parse(JSON.stringify({type: state.type, version: state.version, step: state.step, hyper: state.hyper}));
  return {...header, slots};
}

function comparable(state: OptimizerState): unknown {
  return {
    ...state,
    slots: Object.fromEntries(
      Object.entries(state.slots).map(([name, entry]) => [
        name,
        Object.fromEntries(
          Object.entries(entry).map(([slot, values]) => [
            slot,
            Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length)),
          ]),
        ),
      ]),
    ),
  };
}

test('the plugin registers sgd, momentum, adam and adamw as optimizer backends that build working optimizers', async (t) => {
  const contribution = await register();
  const optimizers = contribution.backends.filter((backend) => backend.contract === 'optimizer');
  t.deepEqual(
    optimizers.map((backend) => backend.name),
    ['sgd', 'momentum', 'adam', 'adamw'],
  );
  for (const backend of optimizers) {
    const factory = (await loadBackend({
      contract: 'optimizer',
      name: backend.name,
      plugin: '@codex-ml/plugin-tfjs',
      spec: backend.spec,
    })) as OptimizerFactory<tf.Variable, tf.Tensor>;
    t.is(factory.type, backend.name);
    t.is(factory.engine, 'tfjs', 'each declares the engine whose variables it updates');
    const optimizer = factory.create({learningRate: 0.05});
    t.is(optimizer.type, backend.name);
    const problem = quadratic();
    const start = problem.loss();
    for (let i = 0; i < 5; i++) step(optimizer, problem, 0.05);
    t.true(problem.loss() < start, backend.name);
  }
});
