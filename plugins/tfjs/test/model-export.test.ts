import {spawnSync} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import * as ort from 'onnxruntime-node';
import {exportGpt} from '../src/export/gpt-exporter.js';
import {encodeSafetensors} from '../src/export/safetensors-writer.js';
import {AdamWOptimizer, type GptConfig, GptModel, loadTfBackend, trainStep} from '../src/index.js';
import {GptWeights} from '../src/inference/gpt-weights.js';
import {maxAbsDiff, toyBatch} from './toy-data.js';

/** Exports must reproduce the engine's logits to within float32 rounding. */
const TOLERANCE = 1e-4;
const PYTHON = '/usr/bin/python3';
const REFERENCE = join(dirname(fileURLToPath(import.meta.url)), '../../test/reference/gpt2_forward.py');

const BASE: GptConfig = {vocabSize: 50, contextLength: 16, layers: 2, heads: 4, dModel: 32, dropout: 0, tiedEmbeddings: true, seed: 11};
const PROMPTS = [
  [3, 14, 15, 9, 2, 6, 5, 35, 8, 9, 7, 9, 3, 2, 3, 8],
  [1, 49, 0, 0, 27],
];

interface Trained {
  readonly config: GptConfig;
  readonly weights: GptWeights;
  /** Logits of the engine's forward pass, one [T·V] array per prompt. */
  readonly logits: Float32Array[];
}

test.before(() => loadTfBackend('wasm'));

/** One tiny model per embedding mode, trained a few steps, shared by every test of the file. */
const models = new Map<boolean, Promise<Trained>>();
function trainedModel(tiedEmbeddings: boolean): Promise<Trained> {
  let model = models.get(tiedEmbeddings);
  if (!model) {
    model = (async () => {
      const config = {...BASE, tiedEmbeddings};
      const gpt = GptModel.create(config);
      const optimizer = new AdamWOptimizer({learningRate: 0.02, weightDecay: 0.01});
      for (let step = 0; step < 5; step++)
        trainStep(gpt, optimizer, [toyBatch(config.vocabSize, 4, config.contextLength, step)], {lr: 0.02});
      const logits = PROMPTS.map((ids) =>
        tf.tidy(() => Float32Array.from(gpt.forward(tf.tensor2d(ids, [1, ids.length], 'int32')).dataSync() as Float32Array)),
      );
      const weights = GptWeights.from(config, gpt.getWeights());
      optimizer.dispose();
      gpt.dispose();
      return {config, weights, logits};
    })();
    models.set(tiedEmbeddings, model);
  }
  return model;
}

async function exported(format: 'hf' | 'onnx', trained: Trained): Promise<{dir: string; cleanup: () => Promise<void>}> {
  const dir = await mkdtemp(join(tmpdir(), `codex-export-${format}-`));
  const files = exportGpt(format, trained.weights, {tokens: {bos: 1, eos: 2, pad: 0}, dropout: 0.1, producerVersion: '0.0.0-test'});
  for (const file of files) await writeFile(join(dir, file.name), file.bytes);
  return {dir, cleanup: () => rm(dir, {recursive: true, force: true})};
}

function python(args: readonly string[], input = ''): string {
  const result = spawnSync(PYTHON, args, {input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
  if (result.status !== 0) throw new Error(`python3 ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

for (const tied of [true, false]) {
  const mode = tied ? 'tied' : 'untied';

  test(`hf export, read by an independent safetensors parser and a plain PyTorch GPT-2, gives the engine's logits (${mode})`, async (t) => {
    const trained = await trainedModel(tied);
    const {dir, cleanup} = await exported('hf', trained);
    t.teardown(cleanup);
    const out = JSON.parse(python([REFERENCE, dir], JSON.stringify({ids: PROMPTS}))) as {
      metadata: Record<string, string>;
      names: string[];
      logits: number[][][];
    };
    t.deepEqual(out.metadata, {format: 'pt'});
    t.is(out.names.includes('lm_head.weight'), !tied, 'an untied head is stored as lm_head.weight, a tied one is not');
    t.true(out.names.includes('transformer.h.1.attn.c_attn.weight'));
    for (const [index, expected] of trained.logits.entries()) {
      const diff = maxAbsDiff(Float32Array.from((out.logits[index] ?? []).flat()), expected);
      t.log(`prompt ${index}: max |Δlogit| ${diff}`);
      t.true(diff <= TOLERANCE, `prompt ${index}: max |Δlogit| ${diff}`);
    }
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    t.like(config, {
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      vocab_size: 50,
      n_positions: 16,
      n_embd: 32,
      n_layer: 2,
      n_head: 4,
      activation_function: 'gelu_new',
      layer_norm_epsilon: 1e-5,
      tie_word_embeddings: tied,
      bos_token_id: 1,
      eos_token_id: 2,
      pad_token_id: 0,
      resid_pdrop: 0.1,
    });
    const generation = JSON.parse(await readFile(join(dir, 'generation_config.json'), 'utf8')) as Record<string, unknown>;
    t.like(generation, {bos_token_id: 1, eos_token_id: 2, pad_token_id: 0, max_length: 16});
  });

  test(`onnx export runs in onnxruntime-node with the engine's logits, dynamic batch and sequence (${mode})`, async (t) => {
    const trained = await trainedModel(tied);
    const {dir, cleanup} = await exported('onnx', trained);
    t.teardown(cleanup);
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    t.teardown(() => session.release());
    t.deepEqual(session.inputNames, ['input_ids']);
    t.deepEqual(session.outputNames, ['logits']);
    const vocab = trained.config.vocabSize;
    for (const [index, ids] of PROMPTS.entries()) {
      const feeds = {input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length])};
      const {logits} = await session.run(feeds);
      t.deepEqual(logits?.dims, [1, ids.length, vocab]);
      const diff = maxAbsDiff(logits?.data as Float32Array, trained.logits[index] as Float32Array);
      t.log(`prompt ${index}: max |Δlogit| ${diff}`);
      t.true(diff <= TOLERANCE, `prompt ${index}: max |Δlogit| ${diff}`);
    }
    // A batch of two rows of the same length: each row matches its own single-row run.
    const rows = [PROMPTS[0]?.slice(0, 5) ?? [], PROMPTS[1] ?? []];
    const batch = new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [2, 5]);
    const {logits} = await session.run({input_ids: batch});
    const data = logits?.data as Float32Array;
    t.true(maxAbsDiff(data.subarray(0, 5 * vocab), (trained.logits[0] as Float32Array).subarray(0, 5 * vocab)) <= TOLERANCE);
    t.true(maxAbsDiff(data.subarray(5 * vocab), trained.logits[1] as Float32Array) <= TOLERANCE);
  });

  test(`the ONNX checker accepts the onnx export: opset 17, dynamic batch and sequence (${mode})`, async (t) => {
    const trained = await trainedModel(tied);
    const {dir, cleanup} = await exported('onnx', trained);
    t.teardown(cleanup);
    const script = [
      'import json, sys, onnx',
      'model = onnx.load(sys.argv[1])',
      'onnx.checker.check_model(model, full_check=True)',
      'dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]',
      'print(json.dumps({"opset": [o.version for o in model.opset_import], "ir": model.ir_version,',
      '  "inputs": [[i.name, dims(i)] for i in model.graph.input], "outputs": [[o.name, dims(o)] for o in model.graph.output]}))',
    ].join('\n');
    const report = JSON.parse(python(['-c', script, join(dir, 'model.onnx')])) as Record<string, unknown>;
    t.deepEqual(report, {
      opset: [17],
      ir: 8,
      inputs: [['input_ids', ['batch', 'sequence']]],
      outputs: [['logits', ['batch', 'sequence', 50]]],
    });
  });
}

test('safetensors: 8-byte aligned header, tensors in name order, shape and duplicate checks', (t) => {
  const bytes = encodeSafetensors(
    [
      {name: 'b', shape: [2], data: Float32Array.of(3, 4)},
      {name: 'a', shape: [1, 1], data: Float32Array.of(5)},
    ],
    {format: 'pt'},
  );
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  t.is(headerLength % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  t.deepEqual(header, {
    __metadata__: {format: 'pt'},
    a: {dtype: 'F32', shape: [1, 1], data_offsets: [0, 4]},
    b: {dtype: 'F32', shape: [2], data_offsets: [4, 12]},
  });
  t.deepEqual([...new Float32Array(bytes.slice(8 + headerLength).buffer)], [5, 3, 4]);
  t.throws(() => encodeSafetensors([{name: 'x', shape: [3], data: Float32Array.of(1)}]), {
    message: /shape \[3\] holds 3 values, data has 1/,
  });
  const twice = {name: 'x', shape: [1], data: Float32Array.of(1)};
  t.throws(() => encodeSafetensors([twice, twice]), {message: /x appears twice/});
});
