#!/usr/bin/env node
// npm run bench:generate [-- --tokens 256 --repeats 3 --context 320 --json]
//
// Tokens/s of `codex generate` producing N new tokens (greedy, --min-tokens N so every run makes exactly N)
// with the key/value cache and without it (--no-kv-cache: the whole window recomputed through the training
// graph for every token), and of the exported ONNX model in onnxruntime-node producing the same tokens (one
// full forward per token over the window codex sees, as the graph has no cache inputs; 1 intra-op thread, and
// ORT's default).
//
// The model is the default architecture (configs/training/base.yaml: 2 layers, 4 heads, d=128) with a context
// long enough for prompt + N tokens (default 320), vocabulary 2048, trained 2 steps on the embedded Brown
// corpus: speed does not depend on how well it is trained. The machine may be shared: each figure is the best
// of --repeats runs, in wall time and in CPU time (user + system of the decoding process, for codex the
// decoding loop only, as `codex generate --json` reports it); ratios are given for both.
import {spawnSync} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import * as ort from 'onnxruntime-node';
import {ContextWindow} from '../../dist/src/services/generation/context-window.js';

const {values: flags} = parseArgs({
  options: {
    tokens: {type: 'string', default: '256'},
    repeats: {type: 'string', default: '3'},
    context: {type: 'string', default: '320'},
    prompt: {type: 'string', default: 'The jury said'},
    json: {type: 'boolean', default: false},
  },
});
const tokens = Number(flags.tokens);
const repeats = Number(flags.repeats);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'bin', 'run.js');
const work = await mkdtemp(join(tmpdir(), 'codex-bench-generate-'));
const log = (line) => {
  if (!flags.json) process.stderr.write(`${line}\n`);
};

function codex(args) {
  const result = spawnSync(process.execPath, [cli, ...args, '--json'], {cwd: work, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024});
  if (result.status !== 0) throw new Error(`codex ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function best(runs, key) {
  return Math.min(...runs.map((run) => run[key]));
}

try {
  log('preparing: prepare-data, tokenizer:train (2048), train (2 steps) …');
  const data = codex(['prepare-data', '--config', join(root, 'configs/pipeline.yaml')]);
  const tokenizer = codex(['tokenizer:train', '--input', data.runId, '--vocab-size', '2048', '--out', 'tok']);
  const trained = codex([
    'train',
    '--config',
    join(root, 'configs/training/base.yaml'),
    ...['--set', `training.data=${data.runId}`, '--set', 'training.tokenizer=tok/tokenizer.json'],
    ...['--set', `training.model.contextLength=${flags.context}`, '--set', 'training.steps=2', '--set', 'training.batchSize=4'],
    ...['--set', 'training.checkpointInterval=2', '--set', 'training.evalBatches=1'],
  ]);
  const generate = (extra) =>
    codex([
      'generate',
      trained.runId,
      '--prompt',
      flags.prompt,
      '--temperature',
      '0',
      '--max-tokens',
      String(tokens),
      '--min-tokens',
      String(tokens),
      ...extra,
    ]);

  const measure = (label, extra) => {
    const runs = [];
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      const out = generate(extra);
      const process = (performance.now() - started) / 1000;
      const sample = out.samples[0];
      if (sample.ids.length !== tokens) throw new Error(`${label}: ${sample.ids.length} tokens instead of ${tokens}`);
      runs.push({seconds: out.seconds, cpuSeconds: out.cpuSeconds, process, ids: sample.ids, context: out.prompt.ids});
      log(
        `  ${label} run ${i + 1}: ${(tokens / out.seconds).toFixed(0)} tokens/s wall, ${(tokens / out.cpuSeconds).toFixed(0)} tokens/s CPU`,
      );
    }
    return {runs, seconds: best(runs, 'seconds'), cpuSeconds: best(runs, 'cpuSeconds'), process: best(runs, 'process')};
  };
  log(`codex generate, ${tokens} tokens, context ${flags.context}:`);
  const cached = measure('kv cache', []);
  const uncached = measure('no cache', ['--no-kv-cache']);
  const sameTokens = JSON.stringify(cached.runs[0].ids) === JSON.stringify(uncached.runs[0].ids);

  codex(['export', trained.runId, '--format', 'onnx', '--out', 'onnx']);
  const document = JSON.parse(await readFile(join(work, 'tok', 'tokenizer.json'), 'utf8'));
  const special = new Set(document.added_tokens.map((token) => token.id));
  const context = cached.runs[0].context;
  // The window codex uses past the context length, so both see the same tokens.
  const window = new ContextWindow(Number(flags.context));
  const onnx = {};
  for (const threads of [1, 0]) {
    const session = await ort.InferenceSession.create(join(work, 'onnx', 'model.onnx'), threads > 0 ? {intraOpNumThreads: threads} : {});
    const runs = [];
    for (let i = 0; i < repeats; i++) {
      const sequence = [...context];
      const ids = [];
      const cpu = process.cpuUsage();
      const started = performance.now();
      while (ids.length < tokens) {
        const seen = sequence.slice(window.start(sequence.length));
        const input = new ort.Tensor('int64', BigInt64Array.from(seen.map(BigInt)), [1, seen.length]);
        const {logits} = await session.run({input_ids: input});
        const vocab = logits.dims[2];
        const last = logits.data.subarray((seen.length - 1) * vocab);
        let choice = -1;
        for (let id = 0; id < vocab; id++) if (!special.has(id) && (choice < 0 || last[id] > last[choice])) choice = id;
        ids.push(choice);
        sequence.push(choice);
      }
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      runs.push({seconds, cpuSeconds: (used.user + used.system) / 1e6, ids});
      log(`  onnxruntime (${threads || 'default'} threads) run ${i + 1}: ${(tokens / seconds).toFixed(0)} tokens/s wall`);
    }
    await session.release();
    onnx[threads > 0 ? 'oneThread' : 'defaultThreads'] = {
      seconds: best(runs, 'seconds'),
      cpuSeconds: best(runs, 'cpuSeconds'),
      sameTokens: JSON.stringify(runs[0].ids) === JSON.stringify(cached.runs[0].ids),
    };
  }

  const rate = (entry) => ({wall: tokens / entry.seconds, cpu: tokens / entry.cpuSeconds});
  const result = {
    tokens,
    contextLength: Number(flags.context),
    promptTokens: context.length,
    repeats,
    kvCache: rate(cached),
    noCache: rate(uncached),
    onnxruntime1Thread: {...rate(onnx.oneThread), sameTokens: onnx.oneThread.sameTokens},
    onnxruntimeDefault: {...rate(onnx.defaultThreads), sameTokens: onnx.defaultThreads.sameTokens},
    cacheSpeedup: {wall: uncached.seconds / cached.seconds, cpu: uncached.cpuSeconds / cached.cpuSeconds},
    versusOnnx1Thread: {wall: onnx.oneThread.seconds / cached.seconds, cpu: onnx.oneThread.cpuSeconds / cached.cpuSeconds},
    sameTokensWithoutCache: sameTokens,
    processSeconds: {kvCache: cached.process, noCache: uncached.process},
    model: {layers: 2, heads: 4, dModel: 128, vocabSize: tokenizer.vocabSize},
  };
  if (flags.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const row = (name, r) => `${name.padEnd(34)} ${r.wall.toFixed(0).padStart(8)} ${r.cpu.toFixed(0).padStart(8)}`;
    console.log(`\n${tokens} new tokens after a ${context.length}-token prompt; context ${flags.context}; best of ${repeats}`);
    console.log(`${'tokens/s'.padEnd(34)} ${'wall'.padStart(8)} ${'CPU'.padStart(8)}`);
    console.log(row('codex generate (KV cache)', result.kvCache));
    console.log(row('codex generate --no-kv-cache', result.noCache));
    console.log(row('onnxruntime-node, 1 thread', result.onnxruntime1Thread));
    console.log(row('onnxruntime-node, default threads', result.onnxruntimeDefault));
    console.log(
      `KV cache speed-up ${result.cacheSpeedup.wall.toFixed(1)}× wall, ${result.cacheSpeedup.cpu.toFixed(1)}× CPU (target ≥ 5×); ` +
        `vs onnxruntime 1 thread ${result.versusOnnx1Thread.wall.toFixed(1)}× wall, ${result.versusOnnx1Thread.cpu.toFixed(1)}× CPU`,
    );
    console.log(
      `same tokens: without cache ${sameTokens}, onnxruntime ${result.onnxruntime1Thread.sameTokens && result.onnxruntimeDefault.sameTokens}`,
    );
  }
} finally {
  await rm(work, {recursive: true, force: true});
}
