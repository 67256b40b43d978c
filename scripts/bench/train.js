#!/usr/bin/env node
// npm run bench:train [-- --steps 50 --vocab 2048 --batch 16 --backend wasm]
//
// Tokens/s of the default model (configs/training/base.yaml) for N steps through the tfjs training engine,
// driven through the TrainingEngine contract as `codex train` drives it, side by side with the same architecture, batch, optimizer family and backend trained through tfjs-layers
// `model.fit`, and the achieved GFLOP/s as a fraction of the backend's own 1024×1024 matMul GFLOP/s measured
// in the same run. Prints a table and, with --json, one JSON object.
//
// The machine may be shared: every figure is given in wall time and in this process's CPU time
// (process.cpuUsage), which other processes disturb much less; ratios are computed from CPU time.
import {parseArgs} from 'node:util';
import {ConfigSchema, configSchema, resolveConfig} from '@codex-ml/core';
import {ADAM_CONFIG, AdamWOptimizer, TFJS_CONFIG, TfjsEngine} from '@codex-ml/plugin-tfjs';
import * as tf from '@tensorflow/tfjs';

const {values: flags} = parseArgs({
  options: {
    steps: {type: 'string', default: '50'},
    warmup: {type: 'string', default: '3'},
    vocab: {type: 'string', default: '2048'},
    batch: {type: 'string', default: '16'},
    backend: {type: 'string'},
    config: {type: 'string', default: 'configs/training/base.yaml'},
    json: {type: 'boolean', default: false},
  },
});
const steps = Number(flags.steps);
const warmup = Number(flags.warmup);
const vocabSize = Number(flags.vocab);
const batchSize = Number(flags.batch);
// The engine's and AdamW's keys, declared as the plugin's registration declares them.
const schema = new ConfigSchema(configSchema);
schema.contribute('@codex-ml/plugin-tfjs', 'training.tfjs', TFJS_CONFIG);
schema.contribute('@codex-ml/plugin-tfjs', 'training.optimizer.adamw', ADAM_CONFIG);
const config = resolveConfig({file: flags.config, schema});
const training = config.get('training');
const backend = flags.backend ?? training.tfjs.backend;
const {layers, heads, dModel} = training.tfjs;
const {contextLength} = training.model;
const optimizer = {...training.optimizer, ...training.optimizer.adamw};
const time = contextLength;
const seed = 1337;

// The engine's options are its config block, as the host passes them.
const tfjsEngine = await TfjsEngine.create({...training.tfjs, backend});

/** Deterministic token stream (a seeded LCG) cut into (context, next-token) windows. */
function batches(count) {
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  const stream = Int32Array.from({length: count * batchSize * (time + 1)}, () => next() % vocabSize);
  const out = [];
  for (let i = 0; i < count; i++) {
    const contexts = new Int32Array(batchSize * time);
    const targets = new Int32Array(batchSize * time);
    for (let b = 0; b < batchSize; b++) {
      const start = (i * batchSize + b) * (time + 1);
      contexts.set(stream.subarray(start, start + time), b * time);
      targets.set(stream.subarray(start + 1, start + time + 1), b * time);
    }
    out.push({batchSize, length: time, contexts, targets});
  }
  return out;
}

/** Milliseconds of CPU this process has used (user + system). */
function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Best of five 1024×1024 matMuls, in wall and CPU time. */
function matmulGflops() {
  const a = tf.randomNormal([1024, 1024], 0, 1, 'float32', 1);
  const b = tf.randomNormal([1024, 1024], 0, 1, 'float32', 2);
  tf.matMul(a, b).dispose();
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const startCpu = cpuMs();
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
    wall = Math.min(wall, performance.now() - start);
    cpu = Math.min(cpu, cpuMs() - startCpu);
  }
  a.dispose();
  b.dispose();
  return {wall: (2 * 1024 ** 3) / wall / 1e6, cpu: (2 * 1024 ** 3) / cpu / 1e6};
}

async function runEngine(data) {
  const model = await tfjsEngine.createTrainableModel(
    {vocabSize, contextLength, seed},
    {
      optimizer: AdamWOptimizer.create(),
      optimizerOptions: {
        learningRate: optimizer.learningRate,
        weightDecay: optimizer.weightDecay,
        params: {beta1: optimizer.beta1, beta2: optimizer.beta2, epsilon: optimizer.epsilon},
      },
      clipNorm: training.clipNorm,
    },
  );
  const lr = optimizer.learningRate;
  for (let i = 0; i < warmup; i++) await model.trainStep([data[i]], i + 1, lr);
  const start = performance.now();
  const startCpu = cpuMs();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = (await model.trainStep([data[warmup + i]], warmup + i + 1, lr)).loss;
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = (cpuMs() - startCpu) / 1000;
  const flopsPerToken = model.network.trainFlopsPerToken;
  const parameters = model.parameterCount;
  model.dispose();
  return {seconds, cpuSeconds, loss, flopsPerToken, parameters};
}

// ---- tfjs-layers baseline: the same GPT (pre-norm blocks, fused qkv, GELU-tanh MLP, tied output) ----

class PositionEmbedding extends tf.layers.Layer {
  static className = 'PositionEmbedding';
  constructor(config) {
    super(config);
    this.time = config.time;
    this.width = config.width;
  }
  build() {
    this.table = this.addWeight('table', [this.time, this.width], 'float32', tf.initializers.randomNormal({stddev: 0.02, seed}));
    this.built = true;
  }
  call(inputs) {
    return tf.tidy(() => tf.add(Array.isArray(inputs) ? inputs[0] : inputs, this.table.read()));
  }
  computeOutputShape(shape) {
    return shape;
  }
}

class CausalSelfAttention extends tf.layers.Layer {
  static className = 'CausalSelfAttention';
  constructor(config) {
    super(config);
    this.heads = config.heads;
    this.width = config.width;
    this.time = config.time;
    const mask = new Float32Array(this.time * this.time);
    for (let i = 0; i < this.time; i++) for (let j = i + 1; j < this.time; j++) mask[i * this.time + j] = -1e9;
    this.mask = tf.keep(tf.tensor2d(mask, [this.time, this.time]));
  }
  call(inputs) {
    return tf.tidy(() => {
      const qkv = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch] = qkv.shape;
      const headSize = this.width / this.heads;
      const split = (t) => tf.transpose(tf.reshape(t, [batch, this.time, this.heads, headSize]), [0, 2, 1, 3]);
      const [q, k, v] = tf.split(qkv, 3, -1).map(split);
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headSize)), this.mask);
      const mixed = tf.matMul(tf.softmax(scores), v);
      return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, this.time, this.width]);
    });
  }
  computeOutputShape(shape) {
    return [shape[0], shape[1], this.width];
  }
}

class TiedOutput extends tf.layers.Layer {
  static className = 'TiedOutput';
  constructor(config) {
    super(config);
    this.embedding = config.embedding;
    this.vocab = config.vocab;
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, steps, width] = x.shape;
      const table = this.embedding.trainableWeights[0].read();
      const logits = tf.matMul(tf.reshape(x, [batch * steps, width]), table, false, true);
      return tf.softmax(tf.reshape(logits, [batch, steps, this.vocab]));
    });
  }
  computeOutputShape(shape) {
    return [shape[0], shape[1], this.vocab];
  }
}

function layersModel() {
  const normal = (stddev) => tf.initializers.randomNormal({stddev, seed});
  const input = tf.input({shape: [time], dtype: 'int32'});
  const embedding = tf.layers.embedding({inputDim: vocabSize, outputDim: dModel, embeddingsInitializer: normal(0.02)});
  let x = new PositionEmbedding({time, width: dModel}).apply(embedding.apply(input));
  for (let layer = 0; layer < layers; layer++) {
    let h = tf.layers.layerNormalization({epsilon: 1e-5}).apply(x);
    h = tf.layers.dense({units: 3 * dModel, kernelInitializer: normal(0.02)}).apply(h);
    h = new CausalSelfAttention({heads, width: dModel, time}).apply(h);
    h = tf.layers.dense({units: dModel, kernelInitializer: normal(0.02 / Math.sqrt(2 * layers))}).apply(h);
    x = tf.layers.add().apply([x, h]);
    h = tf.layers.layerNormalization({epsilon: 1e-5}).apply(x);
    h = tf.layers.dense({units: 4 * dModel, activation: 'gelu_new', kernelInitializer: normal(0.02)}).apply(h);
    h = tf.layers.dense({units: dModel, kernelInitializer: normal(0.02 / Math.sqrt(2 * layers))}).apply(h);
    x = tf.layers.add().apply([x, h]);
  }
  x = tf.layers.layerNormalization({epsilon: 1e-5}).apply(x);
  const output = new TiedOutput({embedding, vocab: vocabSize}).apply(x);
  const model = tf.model({inputs: input, outputs: output});
  model.compile({
    optimizer: tf.train.adam(optimizer.learningRate, optimizer.beta1, optimizer.beta2, optimizer.epsilon),
    loss: 'sparseCategoricalCrossentropy',
  });
  return model;
}

async function runLayers(data) {
  const model = layersModel();
  const stack = (list, key) =>
    tf.tensor2d(Int32Array.from(list.flatMap((b) => Array.from(b[key]))), [list.length * batchSize, time], 'int32');
  const fitBatches = async (list) => {
    const x = stack(list, 'contexts');
    const y = tf.reshape(tf.cast(stack(list, 'targets'), 'float32'), [list.length * batchSize, time, 1]);
    const history = await model.fit(x, y, {batchSize, epochs: 1, shuffle: false, verbose: 0});
    x.dispose();
    y.dispose();
    return history.history.loss?.[0];
  };
  await fitBatches(data.slice(0, warmup));
  const start = performance.now();
  const startCpu = cpuMs();
  const loss = await fitBatches(data.slice(warmup, warmup + steps));
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = (cpuMs() - startCpu) / 1000;
  const parameters = model.countParams();
  model.dispose();
  return {seconds, cpuSeconds, loss, parameters};
}

const data = batches(warmup + steps);
const tokens = steps * batchSize * time;
const matmulBefore = matmulGflops();
const engine = await runEngine(data);
const layersRun = await runLayers(data);
const matmulAfter = matmulGflops();
const matmul = {wall: Math.max(matmulBefore.wall, matmulAfter.wall), cpu: Math.max(matmulBefore.cpu, matmulAfter.cpu)};
const figures = (run) => {
  const wallTokens = tokens / run.seconds;
  const cpuTokens = tokens / run.cpuSeconds;
  return {
    tokensPerSecond: round(wallTokens),
    tokensPerCpuSecond: round(cpuTokens),
    seconds: round(run.seconds),
    cpuSeconds: round(run.cpuSeconds),
    gflops: round((engine.flopsPerToken * wallTokens) / 1e9),
    gflopsPerCpuSecond: round((engine.flopsPerToken * cpuTokens) / 1e9),
    finalLoss: round(run.loss),
  };
};
const engineFigures = figures(engine);
const fitFigures = figures(layersRun);
const result = {
  backend,
  model: {layers, heads, dModel, contextLength, vocabSize, parameters: engine.parameters, layersParameters: layersRun.parameters},
  batchSize,
  steps,
  trainFlopsPerToken: engine.flopsPerToken,
  matmul1024: {gflops: round(matmul.wall), gflopsPerCpuSecond: round(matmul.cpu)},
  engine: engineFigures,
  modelFit: fitFigures,
  speedup: round(fitFigures.cpuSeconds / engineFigures.cpuSeconds),
  speedupWall: round(fitFigures.seconds / engineFigures.seconds),
  matmulFraction: round(engineFigures.gflopsPerCpuSecond / matmul.cpu),
  matmulFractionWall: round(engineFigures.gflops / matmul.wall),
};
if (flags.json) console.log(JSON.stringify(result));
else {
  const percent = (value) => `${Math.round(value * 100)}%`;
  console.log(
    `backend ${backend}; model ${layers}×${dModel}d, ${heads} heads, context ${contextLength}, vocab ${vocabSize} (${engine.parameters} parameters); batch ${batchSize}; ${steps} steps`,
  );
  console.log('                      tokens/s   tokens/CPU-s   GFLOP/s   GFLOP/CPU-s   final loss');
  const line = (label, f) =>
    console.log(
      `${label.padEnd(20)} ${String(Math.round(f.tokensPerSecond)).padStart(9)} ${String(Math.round(f.tokensPerCpuSecond)).padStart(14)} ${f.gflops.toFixed(2).padStart(9)} ${f.gflopsPerCpuSecond.toFixed(2).padStart(13)} ${f.finalLoss.toFixed(3).padStart(12)}`,
    );
  line('codex engine', engineFigures);
  line('tfjs-layers fit', fitFigures);
  console.log(`1024×1024 matMul: ${result.matmul1024.gflops} GFLOP/s wall, ${result.matmul1024.gflopsPerCpuSecond} GFLOP/CPU-s`);
  console.log(`speed-up vs model.fit: ${result.speedup}× by CPU time, ${result.speedupWall}× by wall time (target ≥ 1.5×)`);
  console.log(
    `engine / matMul peak: ${percent(result.matmulFraction)} by CPU time, ${percent(result.matmulFractionWall)} by wall time (target ≥ 50%)`,
  );
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}
