import {spawn, spawnSync} from 'node:child_process';
import {cp, mkdir, readFile, readdir, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {writeDirectoryAtomic} from '@codex-ml/core';
import test from 'ava';
import * as ort from 'onnxruntime-node';
import {cliPath, isOneLineError, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';
import {startTraining} from '../training/cli_fixtures.js';
import {type GenerateJson, type TrainedWorkspace, trainedWorkspace} from './generation_fixtures.js';

/** Exported models reproduce codex's log-probabilities to float32 rounding. */
const TOLERANCE = 1e-4;
const REFERENCE = join(repoRoot, 'plugins/tfjs/test/reference/gpt2_forward.py');

let workspace: Promise<TrainedWorkspace> | undefined;
let cleanup: (() => Promise<void>) | undefined;
test.before(async () => {
  const dir = await tempDir('codex-export-');
  cleanup = dir.cleanup;
  workspace = trainedWorkspace(dir.path);
  await workspace;
});
test.after.always(() => cleanup?.());

async function codex(args: readonly string[]) {
  const {dir} = (await workspace) as TrainedWorkspace;
  return runCli(args, {cwd: dir});
}

/** Greedy continuation by codex: the ids it saw, the ids it chose, and their log-probabilities. */
async function greedy(): Promise<{context: number[]; ids: number[]; logprobs: number[]}> {
  const {runId} = (await workspace) as TrainedWorkspace;
  const result = await codex(['generate', runId, '--prompt', 'the red', '--temperature', '0', '--max-tokens', '8', '--json']);
  if (result.code !== 0) throw new Error(result.stderr);
  const out = JSON.parse(result.stdout) as GenerateJson;
  const sample = out.samples[0] as GenerateJson['samples'][number];
  return {context: out.prompt.ids, ids: sample.ids, logprobs: sample.logprobs};
}

/** log-softmax of `logits` [T·V] at the positions that chose `ids` (the last |ids| positions of the input). */
function logprobsAt(logits: ArrayLike<number>, vocab: number, contextLength: number, ids: readonly number[]): number[] {
  return ids.map((id, step) => {
    const row = Array.from({length: vocab}, (_, v) => logits[(contextLength - 1 + step) * vocab + v] as number);
    const max = Math.max(...row);
    const sum = row.reduce((total, value) => total + Math.exp(value - max), 0);
    return (row[id] as number) - max - Math.log(sum);
  });
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  return a.length === b.length ? Math.max(...a.map((value, i) => Math.abs(value - (b[i] as number)))) : Number.POSITIVE_INFINITY;
}

test("hf export: GPT-2 files and the tokenizer; a plain PyTorch GPT-2 over its safetensors gives codex generate's log-probabilities", async (t) => {
  const {dir, runId} = (await workspace) as TrainedWorkspace;
  const result = await codex(['export', runId, '--format', 'hf', '--out', 'hf', '--json']);
  t.is(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as {out: string; step: number; files: {name: string}[]};
  t.is(out.out, join(dir, 'hf'));
  t.deepEqual((await readdir(join(dir, 'hf'))).sort(), [
    'codex-export.json',
    'config.json',
    'generation_config.json',
    'model.safetensors',
    'special_tokens_map.json',
    'tokenizer.json',
    'tokenizer_config.json',
  ]);
  t.deepEqual(await readFile(join(dir, 'hf', 'tokenizer.json')), await readFile(join(dir, 'tok', 'tokenizer.json')));
  const tokenizerConfig = JSON.parse(await readFile(join(dir, 'hf', 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  t.like(tokenizerConfig, {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '[BOS]',
    eos_token: '[EOS]',
    pad_token: '[PAD]',
    model_max_length: 16,
  });
  t.deepEqual(JSON.parse(await readFile(join(dir, 'hf', 'special_tokens_map.json'), 'utf8')), {
    bos_token: '[BOS]',
    eos_token: '[EOS]',
    pad_token: '[PAD]',
  });
  const config = JSON.parse(await readFile(join(dir, 'hf', 'config.json'), 'utf8')) as Record<string, unknown>;
  t.like(config, {
    model_type: 'gpt2',
    n_positions: 16,
    n_embd: 32,
    n_layer: 1,
    n_head: 2,
    bos_token_id: 1,
    eos_token_id: 2,
    pad_token_id: 0,
  });

  const {context, ids, logprobs} = await greedy();
  const input = [...context, ...ids.slice(0, -1)];
  const python = spawnSync('/usr/bin/python3', [REFERENCE, join(dir, 'hf')], {input: JSON.stringify({ids: [input]}), encoding: 'utf8'});
  t.is(python.status, 0, python.stderr);
  const logits = (JSON.parse(python.stdout) as {logits: number[][][]}).logits[0]?.flat() ?? [];
  const vocab = config['vocab_size'] as number;
  const diff = maxDiff(logprobsAt(logits, vocab, context.length, ids), logprobs);
  t.log(`max |Δ logprob| ${diff}`);
  t.true(diff <= TOLERANCE, `max |Δ logprob| ${diff}`);
});

test("onnx export: onnxruntime-node gives codex generate's log-probabilities and the ONNX checker accepts it", async (t) => {
  const {dir, runId} = (await workspace) as TrainedWorkspace;
  const result = await codex(['export', runId, '--format', 'onnx', '--out', 'onnx']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /exported run \w+ \(step 40\) as onnx to .*onnx\n\s+model.onnx\s+\d+ bytes/);
  const path = join(dir, 'onnx', 'model.onnx');
  const session = await ort.InferenceSession.create(path);
  t.teardown(() => session.release());
  const {context, ids, logprobs} = await greedy();
  const input = [...context, ...ids.slice(0, -1)];
  const {logits} = await session.run({input_ids: new ort.Tensor('int64', BigInt64Array.from(input.map(BigInt)), [1, input.length])});
  const vocab = logits?.dims[2] as number;
  const diff = maxDiff(logprobsAt(logits?.data as Float32Array, vocab, context.length, ids), logprobs);
  t.log(`max |Δ logprob| ${diff}`);
  t.true(diff <= TOLERANCE, `max |Δ logprob| ${diff}`);
  const checker = spawnSync(
    '/usr/bin/python3',
    ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print("ok")', path],
    {
      encoding: 'utf8',
    },
  );
  t.is(checker.stdout.trim(), 'ok', checker.stderr);
});

test('tokenizer:train --out writes the same three tokenizer files as the hf export', async (t) => {
  const {dir, dataRunId} = (await workspace) as TrainedWorkspace;
  const result = await codex(['tokenizer:train', '--input', dataRunId, '--vocab-size', '300', '--out', 'tok2', '--json']);
  t.is(result.code, 0, result.stderr);
  t.deepEqual((await readdir(join(dir, 'tok2'))).sort(), ['special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);
  t.deepEqual(await readFile(join(dir, 'tok2', 'tokenizer.json')), await readFile(join(dir, 'tok', 'tokenizer.json')));
  t.deepEqual(await readFile(join(dir, 'tok2', 'special_tokens_map.json')), await readFile(join(dir, 'tok', 'special_tokens_map.json')));
  const config = JSON.parse(await readFile(join(dir, 'tok2', 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  t.like(config, {
    tokenizer_class: 'PreTrainedTokenizerFast',
    eos_token: '[EOS]',
    added_tokens_decoder: {'2': {content: '[EOS]', special: true}},
  });
  t.false('model_max_length' in config, 'a tokenizer alone has no model length');
});

test('export refuses an unfinished run, a damaged checkpoint, an unknown format and a non-empty --out, in one line', async (t) => {
  const {dir, runDir, runId} = (await workspace) as TrainedWorkspace;
  await mkdir(join(dir, 'taken'));
  await writeFile(join(dir, 'taken', 'keep.txt'), 'mine');
  const existing = await codex(['export', runId, '--format', 'onnx', '--out', 'taken']);
  t.is(existing.code, 4);
  t.regex(existing.stderr, /taken already exists and is not empty — choose another --out directory, or pass --force/);
  t.is(await readFile(join(dir, 'taken', 'keep.txt'), 'utf8'), 'mine');
  const forced = await codex(['export', runId, '--format', 'onnx', '--out', 'taken', '--force']);
  t.is(forced.code, 0, forced.stderr);
  t.deepEqual((await readdir(join(dir, 'taken'))).sort(), ['codex-export.json', 'model.onnx']);

  const unknown = await codex(['export', runId, '--format', 'tflite', '--out', 'x']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /--format tflite: training engine "tfjs" exports hf, onnx/);

  // A run killed after its first checkpoint: it has weights but never finished.
  const child = startTraining(dir, ['--set', 'training.steps=6', '--set', 'training.checkpointInterval=2'], {
    CODEX_TEST_HOLD_CHECKPOINT: '4',
  });
  await child.waitForStderr('holding checkpoint');
  child.child.kill('SIGKILL');
  await child.exited;
  const newest = (await readdir(join(dir, 'runs'))).sort().at(-1) as string;
  const unfinished = await codex(['export', newest, '--format', 'hf', '--out', 'unfinished']);
  t.is(unfinished.code, 4, unfinished.stderr);
  t.regex(unfinished.stderr, new RegExp(`training run ${newest} did not finish \\(it has no manifest.json\\)`));

  const copy = join(dir, 'damaged', runId);
  await cp(runDir, copy, {recursive: true});
  const weights = join(copy, 'checkpoints', 'step-000000040', 'weights.bin');
  const bytes = await readFile(weights);
  bytes[8] = (bytes[8] as number) ^ 0x01;
  await writeFile(weights, bytes);
  const damaged = await codex(['export', copy, '--format', 'hf', '--out', 'damaged-out']);
  t.is(damaged.code, 5, damaged.stderr);
  t.regex(damaged.stderr, /weights.bin checksum .* does not match the manifest/);

  for (const result of [existing, unknown, unfinished, damaged]) t.true(isOneLineError(result.stderr), result.stderr);
  for (const name of ['x', 'unfinished', 'damaged-out']) await t.throwsAsync(stat(join(dir, name)), {code: 'ENOENT'});
});

test('a killed export leaves no half directory: --out is absent or complete, whenever the kill lands', async (t) => {
  const {dir, runId} = (await workspace) as TrainedWorkspace;
  for (const delay of [300, 600, 900, 1200, 1500]) {
    const out = join(dir, `killed-${delay}`);
    const child = spawn(process.execPath, [cliPath, 'export', runId, '--format', 'hf', '--out', out], {cwd: dir, stdio: 'ignore'});
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const files = await readdir(out).catch(() => undefined);
    t.true(files === undefined || files.length === 7, `${delay} ms: ${files?.join(', ')}`);
  }
  const leftovers = (await readdir(dir)).filter((name) => name.startsWith('.killed-'));
  t.true(
    leftovers.every((name) => /^\.killed-\d+\.\d+\.[0-9a-f]{8}\.tmp$/.test(name)),
    'only temp directories can be left behind',
  );
});

test('writeDirectoryAtomic: a failure half way leaves neither the directory nor a temp copy', async (t) => {
  const {path, cleanup: remove} = await tempDir();
  t.teardown(remove);
  const target = join(path, 'out');
  await t.throwsAsync(
    writeDirectoryAtomic(target, [
      {name: 'a.txt', bytes: 'a'},
      {name: '../escape', bytes: 'b'},
    ]),
  );
  t.deepEqual(await readdir(path), []);
  await writeDirectoryAtomic(target, [{name: 'a.txt', bytes: 'a'}]);
  await writeDirectoryAtomic(target, [{name: 'b.txt', bytes: 'b'}], {replace: true});
  t.deepEqual(await readdir(target), ['b.txt']);
  t.deepEqual(await readdir(path), ['out']);
});
