#!/usr/bin/env node
// npm run bench:train [-- --vs-pytorch] [--vs-layers] [--models default,small] [--steps 30] [--small-steps 3]
//                        [--workers N] [--repeat 3] [--vocab 2048] [--json]
//
// Training throughput of the codex engine (TfjsEngine's data-parallel step, wasm backend by default) on the
// presets of configs/training/ — `default` (base.yaml) and `small` (small.yaml) — with 1 worker and with N
// (one per core), against:
// - the backend's own 1024×1024 matMul, as achieved GFLOP/s over its GFLOP/s (always);
// - --vs-pytorch: the same architecture, batch, optimizer (AdamW, same hyper-parameters, codex's init scheme)
//   and step count in PyTorch (scripts/bench/train_pytorch.py, run with /usr/bin/python3) at 1 and N threads;
//   PyTorch is not installed by this script: `apt-get install python3-torch` (and `libopenblas0`, its fast BLAS);
// - --vs-layers: the same model through tfjs-layers `model.fit` (default preset only; slow).
//
// Every figure is given in wall time and in CPU time (user + system of the whole process, worker threads
// included). The machine may be shared: each configuration runs --repeat times and the best of each is kept,
// and the load average is printed. Ratios to PyTorch compare wall-clock tokens/s (what a user waits for);
// per-core ratios compare tokens per CPU-second, which other processes disturb much less.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {availableParallelism, loadavg} from 'node:os';
import {join, resolve} from 'node:path';
import {parseArgs} from 'node:util';
import {ConfigSchema, configSchema, resolveConfig} from '@codex-ml/core';
import {ADAM_CONFIG, AdamWOptimizer, loadTfBackend, TFJS_CONFIG, TfjsEngine} from '@codex-ml/plugin-tfjs';
import * as tf from '@tensorflow/tfjs';

const root = resolve(import.meta.dirname, '../..');
const {values: flags} = parseArgs({
  options: {
    'vs-pytorch': {type: 'boolean', default: false},
    'vs-layers': {type: 'boolean', default: false},
    models: {type: 'string'},
    steps: {type: 'string', default: '30'},
    'small-steps': {type: 'string', default: '3'},
    warmup: {type: 'string', default: '2'},
    workers: {type: 'string', default: String(availableParallelism())},
    repeat: {type: 'string', default: '3'},
    vocab: {type: 'string', default: '2048'},
    backend: {type: 'string'},
    json: {type: 'boolean', default: false},
  },
});
const PRESETS = {default: 'configs/training/base.yaml', small: 'configs/training/small.yaml'};
const models = (flags.models ?? (flags['vs-pytorch'] ? 'default,small' : 'default')).split(',');
const workers = Number(flags.workers);
const repeat = Number(flags.repeat);
const warmup = Number(flags.warmup);
const vocabSize = Number(flags.vocab);
const seed = 1337;
const python = '/usr/bin/python3';
const pytorchScript = join(root, 'scripts', 'bench', 'train_pytorch.py');

/** A preset's settings as the engine and the runner read them (the plugin's keys contributed as it registers them). */
function presetSettings(name) {
  const file = PRESETS[name];
  if (!file) throw new Error(`unknown preset "${name}": choose from ${Object.keys(PRESETS).join(', ')}`);
  const schema = new ConfigSchema(configSchema);
  schema.contribute('@codex-ml/plugin-tfjs', 'training.tfjs', TFJS_CONFIG);
  schema.contribute('@codex-ml/plugin-tfjs', 'training.optimizer.adamw', ADAM_CONFIG);
  const training = resolveConfig({file: join(root, file), schema}).get('training');
  const {tfjs, optimizer} = training;
  const backend = flags.backend ?? tfjs.backend;
  return {
    name,
    file,
    backend,
    engineOptions: {...tfjs, backend},
    shape: {layers: tfjs.layers, heads: tfjs.heads, dModel: tfjs.dModel, contextLength: training.model.contextLength},
    batchSize: training.batchSize,
    clipNorm: training.clipNorm,
    steps: Number(name === 'small' ? flags['small-steps'] : flags.steps),
    optimizer: {
      learningRate: optimizer.learningRate,
      weightDecay: optimizer.weightDecay,
      params: {beta1: optimizer.adamw.beta1, beta2: optimizer.adamw.beta2, epsilon: optimizer.adamw.epsilon},
    },
  };
}

/** The deterministic token stream train_pytorch.py also generates: a 32-bit LCG cut into (context, next) windows. */
function batches(preset, count) {
  const {batchSize} = preset;
  const time = preset.shape.contextLength;
  let state = 12345;
  const stream = new Int32Array(count * batchSize * (time + 1));
  for (let i = 0; i < stream.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    stream[i] = (state >>> 8) % vocabSize;
  }
  return Array.from({length: count}, (_, i) => {
    const contexts = new Int32Array(batchSize * time);
    const targets = new Int32Array(batchSize * time);
    for (let b = 0; b < batchSize; b++) {
      const start = (i * batchSize + b) * (time + 1);
      contexts.set(stream.subarray(start, start + time), b * time);
      targets.set(stream.subarray(start + 1, start + time + 1), b * time);
    }
    return {batchSize, length: time, contexts, targets};
  });
}

/** Milliseconds of CPU this process has used (user + system, all threads). */
function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Best of five 1024×1024 matMuls of the backend, in wall and CPU time. */
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

/**
 * `steps` timed updates of a trainable model of the engine, driven through the TrainingEngine contract as
 * `codex train` drives it, on `threads` workers, after `warmup` untimed ones (which start the workers).
 */
async function runCodex(preset, data, threads) {
  const engine = await TfjsEngine.create(preset.engineOptions);
  const model = await engine.createTrainableModel(
    {vocabSize, contextLength: preset.shape.contextLength, seed},
    {optimizer: AdamWOptimizer.create(), optimizerOptions: preset.optimizer, clipNorm: preset.clipNorm, workers: threads},
  );
  const lr = preset.optimizer.learningRate;
  try {
    for (let i = 0; i < warmup; i++) await model.trainStep([data[i]], i + 1, lr);
    const start = performance.now();
    const startCpu = cpuMs();
    let loss = 0;
    for (let i = 0; i < preset.steps; i++) loss = (await model.trainStep([data[warmup + i]], warmup + i + 1, lr)).loss;
    return {
      seconds: (performance.now() - start) / 1000,
      cpuSeconds: (cpuMs() - startCpu) / 1000,
      loss,
      flopsPerToken: model.network.trainFlopsPerToken,
      parameters: model.parameterCount,
    };
  } finally {
    await model.dispose();
  }
}

/** Whether /usr/bin/python3 can import torch; a line saying how to get it when not. */
function pytorchMissing() {
  if (!existsSync(python)) return `${python} is missing: apt-get install python3 python3-torch`;
  const probe = spawnSync(python, ['-c', 'import torch'], {encoding: 'utf8'});
  if (probe.status !== 0)
    return 'PyTorch is not installed for /usr/bin/python3: apt-get install python3-torch (and libopenblas0, its fast BLAS)';
  return undefined;
}

function runPytorch(preset, threads) {
  const {shape, optimizer} = preset;
  const args = {
    layers: shape.layers,
    heads: shape.heads,
    'd-model': shape.dModel,
    context: shape.contextLength,
    batch: preset.batchSize,
    vocab: vocabSize,
    steps: preset.steps,
    warmup,
    threads,
    lr: optimizer.learningRate,
    'weight-decay': optimizer.weightDecay,
    beta1: optimizer.params.beta1,
    beta2: optimizer.params.beta2,
    eps: optimizer.params.epsilon,
    clip: preset.clipNorm,
  };
  const threadsEnv = {OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads)};
  const result = spawnSync(python, [pytorchScript, ...Object.entries(args).flatMap(([key, value]) => [`--${key}`, String(value)])], {
    encoding: 'utf8',
    env: {...process.env, ...threadsEnv},
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) throw new Error(`train_pytorch.py failed: ${result.stderr.slice(-800)}`);
  const out = JSON.parse(result.stdout);
  return {
    seconds: out.seconds,
    cpuSeconds: out.cpuSeconds,
    loss: out.finalLoss,
    parameters: out.parameters,
    blas: out.blas,
    torch: out.torch,
  };
}

/** Runs `measure` `repeat` times; keeps the best wall-clock and the best CPU-time figures. */
async function best(measure, tokens) {
  let result;
  for (let i = 0; i < repeat; i++) {
    const run = await measure();
    const figures = {
      tokensPerSecond: tokens / run.seconds,
      tokensPerCpuSecond: tokens / run.cpuSeconds,
      finalLoss: run.loss,
      parameters: run.parameters,
      ...(run.blas ? {blas: run.blas, torch: run.torch} : {}),
    };
    if (!result) result = figures;
    else {
      result.tokensPerSecond = Math.max(result.tokensPerSecond, figures.tokensPerSecond);
      result.tokensPerCpuSecond = Math.max(result.tokensPerCpuSecond, figures.tokensPerCpuSecond);
    }
  }
  return result;
}

async function benchPreset(name, missing) {
  const preset = presetSettings(name);
  await loadTfBackend(preset.backend);
  const data = batches(preset, warmup + preset.steps);
  const tokens = preset.steps * preset.batchSize * preset.shape.contextLength;
  const rows = {};
  let flopsPerToken = 0;
  for (const threads of [...new Set([1, workers])]) {
    rows[`codex, ${threads} worker${threads > 1 ? 's' : ''}`] = await best(async () => {
      const run = await runCodex(preset, data, threads);
      flopsPerToken = run.flopsPerToken;
      return run;
    }, tokens);
  }
  if (flags['vs-pytorch'] && !missing) {
    for (const threads of [...new Set([1, workers])]) {
      rows[`PyTorch, ${threads} thread${threads > 1 ? 's' : ''}`] = await best(async () => runPytorch(preset, threads), tokens);
    }
  }
  if (flags['vs-layers'] && name === 'default') {
    const {runLayers} = await import('./train-layers.js');
    rows['tfjs-layers fit'] = await best(() => runLayers(preset, data, {warmup, vocabSize, seed, cpuMs}), tokens);
  }
  for (const row of Object.values(rows)) {
    row.gflops = (flopsPerToken * row.tokensPerSecond) / 1e9;
    row.gflopsPerCpuSecond = (flopsPerToken * row.tokensPerCpuSecond) / 1e9;
  }
  const codex = Object.entries(rows).filter(([label]) => label.startsWith('codex'));
  const torch = Object.entries(rows).filter(([label]) => label.startsWith('PyTorch'));
  const oneWorker = codex[0]?.[1];
  const nWorkers = codex.at(-1)?.[1];
  const bestOf = (list, key) => Math.max(...list.map(([, row]) => row[key]));
  const ratios = {
    scaling: nWorkers.tokensPerSecond / oneWorker.tokensPerSecond,
    cpuPerTokenNvs1: oneWorker.tokensPerCpuSecond / nWorkers.tokensPerCpuSecond,
    ...(torch.length > 0
      ? {
          vsPytorchBest: bestOf(codex, 'tokensPerSecond') / bestOf(torch, 'tokensPerSecond'),
          perCoreVsPytorch: oneWorker.tokensPerCpuSecond / (torch[0]?.[1].tokensPerCpuSecond ?? Number.NaN),
        }
      : {}),
  };
  return {
    preset: name,
    file: preset.file,
    backend: preset.backend,
    shape: preset.shape,
    vocabSize,
    batchSize: preset.batchSize,
    steps: preset.steps,
    trainFlopsPerToken: flopsPerToken,
    rows,
    ratios,
  };
}

const missing = flags['vs-pytorch'] ? pytorchMissing() : undefined;
const loadBefore = loadavg();
await loadTfBackend(flags.backend ?? 'wasm');
const matmulBefore = matmulGflops();
const results = [];
for (const name of models) results.push(await benchPreset(name, missing));
const matmulAfter = matmulGflops();
const matmul = {gflops: Math.max(matmulBefore.wall, matmulAfter.wall), gflopsPerCpuSecond: Math.max(matmulBefore.cpu, matmulAfter.cpu)};
for (const result of results) {
  const one = Object.values(result.rows)[0];
  result.ratios.matmulFraction = one.gflopsPerCpuSecond / matmul.gflopsPerCpuSecond;
  result.ratios.matmulFractionWall = one.gflops / matmul.gflops;
}
const summary = {
  cores: availableParallelism(),
  loadAverage: {before: loadBefore, after: loadavg()},
  repeat,
  matmul1024: matmul,
  pytorch: missing ?? 'ok',
  results,
};

if (flags.json) console.log(JSON.stringify(summary));
else {
  const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
  const percent = (value) => `${Math.round(value * 100)}%`;
  console.log(
    `${summary.cores} cores, load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${summary.loadAverage.after.map((l) => l.toFixed(1)).join(' ')} after; best of ${repeat} runs each`,
  );
  if (missing) console.log(`PyTorch rows skipped: ${missing}`);
  console.log(
    `1024×1024 matMul (${flags.backend ?? 'wasm'}): ${fixed(matmul.gflops, 1)} GFLOP/s wall, ${fixed(matmul.gflopsPerCpuSecond, 1)} GFLOP/CPU-s`,
  );
  for (const result of results) {
    const {shape} = result;
    const parameters = Object.values(result.rows)[0].parameters;
    console.log(
      `\n${result.preset} (${result.file}): ${shape.layers} layers × ${shape.dModel}d, ${shape.heads} heads, context ${shape.contextLength}, vocab ${vocabSize}, batch ${result.batchSize} (${parameters.toLocaleString('en')} parameters); ${result.steps} steps`,
    );
    console.log('                        tokens/s   tokens/CPU-s   GFLOP/s   GFLOP/CPU-s   final loss');
    for (const [label, row] of Object.entries(result.rows)) {
      console.log(
        `${label.padEnd(22)} ${fixed(row.tokensPerSecond, 0).padStart(9)} ${fixed(row.tokensPerCpuSecond, 0).padStart(14)} ${fixed(row.gflops, 2).padStart(9)} ${fixed(row.gflopsPerCpuSecond, 2).padStart(13)} ${fixed(row.finalLoss, 3).padStart(12)}${row.blas ? `   (torch ${row.torch}, ${row.blas} BLAS)` : ''}`,
      );
    }
    const r = result.ratios;
    if (r.vsPytorchBest !== undefined) {
      console.log(
        `codex best / PyTorch best: ${fixed(r.vsPytorchBest, 2)}× by wall time (target ≥ 0.5×); per core (1 worker / 1 thread, CPU time): ${fixed(r.perCoreVsPytorch, 2)}×`,
      );
    }
    if (Object.keys(result.rows).filter((label) => label.startsWith('codex')).length > 1) {
      console.log(
        `scaling 1 → ${workers} workers: ${fixed(r.scaling, 2)}× by wall time (target ≥ 1.7×); CPU per token ${fixed(r.cpuPerTokenNvs1, 2)}× that of 1 worker`,
      );
    }
    console.log(
      `codex (1 worker) / matMul rate: ${percent(r.matmulFraction)} by CPU time, ${percent(r.matmulFractionWall)} by wall time (target ≥ 50%)`,
    );
  }
}
