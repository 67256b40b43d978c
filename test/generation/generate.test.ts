import {cp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {GptModel, loadTfBackend} from '@codex-ml/plugin-tfjs';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {ContextWindow} from '../../src/services/generation/context-window.js';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {startTraining} from '../training/cli_fixtures.js';
import {type GenerateJson, type TrainedWorkspace, checkpointWeights, modelSettings, trainedWorkspace} from './generation_fixtures.js';

/** Log-probabilities with and without the cache agree to float32 rounding. */
const TOLERANCE = 1e-4;
/** [PAD], [BOS]: special tokens that never occur in training text (ids 0 and 1); [EOS] (2) separates documents. */
const BANNED = new Set([0, 1]);
const END_OF_TEXT = 2;

let workspace: Promise<TrainedWorkspace> | undefined;
let cleanup: (() => Promise<void>) | undefined;
test.before(async () => {
  const dir = await tempDir('codex-generate-');
  cleanup = dir.cleanup;
  workspace = trainedWorkspace(dir.path);
  await workspace;
});
test.after.always(() => cleanup?.());

async function generate(args: readonly string[], input?: string) {
  const {dir} = (await workspace) as TrainedWorkspace;
  return runCli(['generate', ...args], {cwd: dir, input});
}

async function generateJson(args: readonly string[], input?: string): Promise<GenerateJson> {
  const result = await generate([...args, '--json'], input);
  if (result.code !== 0) throw new Error(`generate failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as GenerateJson;
}

test('greedy generation equals repeated argmax of the engine forward pass, across the context-window jump', async (t) => {
  const {runDir, runId} = (await workspace) as TrainedWorkspace;
  const out = await generateJson([runId, '--prompt', 'the dog ran', '--temperature', '0', '--max-tokens', '40']);
  const sample = out.samples[0];
  t.truthy(sample);
  if (!sample) return;

  // The reference: the training graph's forward pass over the window the model sees, argmax over allowed ids.
  await loadTfBackend('wasm');
  const settings = await modelSettings(runDir);
  const {step, weights} = await checkpointWeights(runDir, runId);
  t.is(out.checkpoint.step, step);
  const model = GptModel.create({...settings, dropout: 0, seed: 0});
  t.teardown(() => model.dispose());
  model.setWeights(weights);
  const window = new ContextWindow(settings.contextLength);
  const sequence = [...out.prompt.ids];
  const expected: number[] = [];
  while (expected.length < 40) {
    const context = sequence.slice(window.start(sequence.length));
    const logits = tf.tidy(() => model.forward(tf.tensor2d(context, [1, context.length], 'int32')).dataSync() as Float32Array);
    const last = logits.subarray((context.length - 1) * settings.vocabSize);
    let best = -1;
    for (let id = 0; id < last.length; id++) if (!BANNED.has(id) && (best < 0 || (last[id] as number) > (last[best] as number))) best = id;
    expected.push(best);
    if (best === END_OF_TEXT) break;
    sequence.push(best);
  }
  t.deepEqual(sample.ids, expected);
  t.true(out.prompt.ids.length + sample.ids.length > settings.contextLength || sample.finishReason === 'end-of-text');
  t.is(out.prompt.ids[0], END_OF_TEXT, 'the prompt starts after the document separator, as training text does');
});

test('with and without the KV cache: the same greedy tokens, log-probabilities within 1e-4', async (t) => {
  const {runId} = (await workspace) as TrainedWorkspace;
  const args = [runId, '--prompt', 'a big red', '--temperature', '0', '--max-tokens', '30'];
  const cached = await generateJson(args);
  const full = await generateJson([...args, '--no-kv-cache']);
  t.true(cached.kvCache);
  t.false(full.kvCache);
  t.deepEqual(cached.samples[0]?.ids, full.samples[0]?.ids);
  const a = cached.samples[0]?.logprobs ?? [];
  const b = full.samples[0]?.logprobs ?? [];
  t.is(a.length, b.length);
  const worst = Math.max(...a.map((value, i) => Math.abs(value - (b[i] as number))));
  t.true(worst <= TOLERANCE, `max |Δ logprob| ${worst}`);
  for (const value of a) t.true(value <= 0 && Number.isFinite(value));
});

test('the same seed gives the same samples; another seed, other samples; text streams to stdout as in --json', async (t) => {
  const {runId} = (await workspace) as TrainedWorkspace;
  const args = [runId, '--prompt', 'the sun', '--max-tokens', '25', '--num-samples', '3', '--top-k', '40', '--top-p', '0.95'];
  const first = await generateJson([...args, '--seed', '7']);
  const again = await generateJson([...args, '--seed', '7']);
  const other = await generateJson([...args, '--seed', '8']);
  t.deepEqual(first.samples, again.samples);
  t.is(first.samples.length, 3);
  t.notDeepEqual(
    first.samples.map((s) => s.ids),
    other.samples.map((s) => s.ids),
  );
  t.notDeepEqual(first.samples[0]?.ids, first.samples[1]?.ids, 'samples of one call differ from each other');
  const streamed = await generate([...args, '--seed', '7']);
  t.is(streamed.code, 0, streamed.stderr);
  t.is(streamed.stdout, `${first.samples.map((s) => s.text).join('\n---\n')}\n`);
});

test('special tokens never appear: banned ids are never sampled and the text holds no special token', async (t) => {
  const {runId} = (await workspace) as TrainedWorkspace;
  const out = await generateJson([
    runId,
    '--prompt',
    '',
    '--max-tokens',
    '40',
    '--num-samples',
    '8',
    '--temperature',
    '1.5',
    '--seed',
    '3',
  ]);
  for (const sample of out.samples) {
    for (const id of sample.ids) t.false(BANNED.has(id), `sampled special id ${id}`);
    t.false(/\[(PAD|BOS|EOS)\]/.test(sample.text), sample.text);
    const end = sample.ids.indexOf(END_OF_TEXT);
    t.true(end === -1 || (end === sample.ids.length - 1 && sample.finishReason === 'end-of-text'));
  }
  t.deepEqual(out.prompt.ids, [END_OF_TEXT], 'an empty prompt starts a new document');
  t.true(
    out.samples.some((sample) => sample.finishReason === 'end-of-text'),
    'at this temperature some sample ends its document',
  );
  const long = await generateJson([
    runId,
    '--max-tokens',
    '40',
    '--min-tokens',
    '40',
    '--num-samples',
    '8',
    '--temperature',
    '1.5',
    '--seed',
    '3',
  ]);
  for (const sample of long.samples) {
    t.is(sample.ids.length, 40, '--min-tokens keeps the end-of-text token away');
    t.false(sample.ids.includes(END_OF_TEXT));
  }
});

test('a stop string ends the sample just before it; a prompt from a file or stdin; a long prompt is left-truncated with a notice', async (t) => {
  const {runId, dir} = (await workspace) as TrainedWorkspace;
  const base = [runId, '--temperature', '0', '--max-tokens', '30'];
  const greedy = await generateJson([...base, '--prompt', 'the moon']);
  const text = greedy.samples[0]?.text ?? '';
  t.true(text.length >= 6, text);
  const stop = text.slice(3, 6);
  const stopped = await generateJson([...base, '--prompt', 'the moon', '--stop', stop, '--stop', 'never-there']);
  const cut = stopped.samples[0];
  t.is(cut?.finishReason, 'stop');
  t.is(cut?.text, text.slice(0, text.indexOf(stop)));

  const piped = await generateJson(base, 'the moon\n');
  t.deepEqual(piped.samples, greedy.samples, 'stdin without its trailing newline is the prompt');
  await writeFile(join(dir, 'prompt.txt'), 'the moon');
  const fromFile = await generateJson([...base, '--prompt-file', 'prompt.txt']);
  t.deepEqual(fromFile.samples, greedy.samples);

  const long = 'the cat sat on the mat '.repeat(10);
  const result = await generate([runId, '--temperature', '0', '--prompt', long, '--max-tokens', '3', '--json']);
  t.is(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as GenerateJson;
  t.true(parsed.prompt.truncated > 0);
  t.is(parsed.prompt.ids.length, 16, 'the prompt keeps the last contextLength tokens');
  t.regex(result.stderr, /warning: the prompt has \d+ tokens, more than the model's context window of 16: dropped the first \d+/);
});

test('bad flags and bad runs are one-line errors with a non-zero exit code', async (t) => {
  const {dir, runId} = (await workspace) as TrainedWorkspace;
  const cases: [string[], RegExp, number][] = [
    [[runId, '--temperature', '-0.5'], /--temperature must be a number >= 0, got -0.5/, 2],
    [[runId, '--temperature', 'hot'], /--temperature must be a number, got "hot"/, 2],
    [[runId, '--top-p', '1.5'], /--top-p must be in \(0, 1\], got 1.5/, 2],
    [[runId, '--top-k', '-1'], /--top-k must be an integer >= 0, got -1/, 2],
    [[runId, '--max-tokens', '0'], /--max-tokens must be an integer >= 1, got 0/, 2],
    [[runId, '--max-tokens', '5', '--min-tokens', '6'], /--min-tokens must be an integer in \[0, --max-tokens\], got 6/, 2],
    [['01ARZ3NDEKTSV4RRFFQ69G5FAV', '--prompt', 'x'], /run 01ARZ3NDEKTSV4RRFFQ69G5FAV does not exist in runs/, 4],
    [['no/such/run', '--prompt', 'x'], /no\/such\/run: no such run or checkpoint/, 4],
  ];
  for (const [args, message, code] of cases) {
    const result = await generate(args);
    t.is(result.code, code, `${args.join(' ')}: ${result.stderr}`);
    t.regex(result.stderr, message);
    t.true(isOneLineError(result.stderr), result.stderr);
  }

  // A run killed before its first checkpoint: generate says so in one line.
  const child = startTraining(dir, ['--set', 'training.steps=5', '--set', 'training.checkpointInterval=2'], {
    CODEX_TEST_HOLD_CHECKPOINT: '2',
  });
  await child.waitForStderr('holding checkpoint');
  child.child.kill('SIGKILL');
  await child.exited;
  const killed = await generate(['latest', '--prompt', 'x']);
  t.is(killed.code, 0, 'latest skips the run without a checkpoint');
  const unfinishedId = /runs\/(\w{26})/.exec(child.stderr())?.[1];
  const runs = (await readdir(join(dir, 'runs'))).sort();
  const newest = runs.at(-1) as string;
  t.not(newest, runId);
  t.true(unfinishedId === undefined || unfinishedId === newest);
  const noCheckpoint = await generate([newest, '--prompt', 'x']);
  t.is(noCheckpoint.code, 4, noCheckpoint.stderr);
  t.regex(noCheckpoint.stderr, new RegExp(`training run ${newest} has no checkpoint`));
  t.true(isOneLineError(noCheckpoint.stderr), noCheckpoint.stderr);

  // A data run is not a training run.
  const {dataRunId} = (await workspace) as TrainedWorkspace;
  const notTraining = await generate([dataRunId, '--prompt', 'x']);
  t.not(notTraining.code, 0);
  t.regex(notTraining.stderr, /is not a training run \(no config.snapshot\)/);
  t.true(isOneLineError(notTraining.stderr));
  await rm(join(dir, 'runs', newest), {recursive: true, force: true});
});

test('a checkpoint directory selects that checkpoint; a damaged checkpoint is refused in one line', async (t) => {
  const {dir, runDir, runId} = (await workspace) as TrainedWorkspace;
  const copy = join(dir, 'runs-copy', runId);
  await cp(runDir, copy, {recursive: true});
  t.teardown(() => rm(join(dir, 'runs-copy'), {recursive: true, force: true}));
  const checkpoint = join(copy, 'checkpoints', 'step-000000040');
  const direct = await generateJson([checkpoint, '--prompt', 'x', '--max-tokens', '3', '--temperature', '0']);
  t.is(direct.checkpoint.path, checkpoint);
  t.is(direct.runId, runId);
  const byDirectory = await generateJson([copy, '--prompt', 'x', '--max-tokens', '3', '--temperature', '0']);
  t.deepEqual(byDirectory.samples, direct.samples);

  const weights = join(checkpoint, 'weights.bin');
  const bytes = await readFile(weights);
  bytes[100] = (bytes[100] as number) ^ 0xff;
  await writeFile(weights, bytes);
  for (const spec of [checkpoint, copy]) {
    const damaged = await generate([spec, '--prompt', 'x']);
    t.is(damaged.code, 5, damaged.stderr);
    t.true(isOneLineError(damaged.stderr), damaged.stderr);
  }
  t.regex((await generate([checkpoint, '--prompt', 'x'])).stderr, /weights.bin checksum .* does not match the manifest/);
});
