import {existsSync} from 'node:fs';
import {readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {estimateGptMemory} from '@codex-ml/plugin-tfjs';
import {MetricsLog} from '../../src/services/training/metrics-log.js';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {createWorkspace, train} from './cli_fixtures.js';

let workspace: {path: string; cleanup: () => Promise<void>};

test.before(async () => {
  workspace = await tempDir('codex-limits-');
  await createWorkspace(workspace.path);
});

test.after.always(async () => {
  await workspace?.cleanup();
});

const runsIn = async (dir: string) =>
  (await readdir(join(workspace.path, dir)).catch(() => [] as string[])).filter((name) => /^[0-9A-Z]{26}$/.test(name));

for (const [setting, key, part] of [
  ['training.tfjs.dModel=65536', 'training.tfjs.dModel', 'optimizer state'],
  ['training.batchSize=100000000', 'training.batchSize', 'logits'],
] as const) {
  test.serial(`${setting} is refused before anything is allocated, naming the estimate and ${key}`, async (t) => {
    const dir = `limits-${key}`;
    const result = await train(workspace.path, ['--set', setting, '--run-dir', dir], {});
    t.is(result.code, 3, result.stderr);
    t.true(isOneLineError(result.stderr), result.stderr);
    t.regex(
      result.stderr,
      new RegExp(
        `training would need about [\\d.]+ [GTP]iB \\(${part} .*more than .*nothing was allocated — lower ${key.replace('.', '\\.')}`,
      ),
    );
    t.deepEqual(await runsIn(dir), [], 'no run directory is left');
  });
}

test('the memory estimate of the default model is modest, and only the wasm backend has a heap limit', (t) => {
  const shape = {vocabSize: 2048, contextLength: 64, layers: 2, heads: 4, dModel: 128, tiedEmbeddings: true, batchSize: 16};
  const wasm = estimateGptMemory(shape, 'wasm');
  t.true(wasm.bytes > 10 * 2 ** 20 && wasm.bytes < 200 * 2 ** 20, `${wasm.bytes} bytes`);
  t.is(
    wasm.bytes,
    wasm.parts.reduce((sum, part) => sum + part.bytes, 0),
  );
  t.deepEqual(
    wasm.parts.map((part) => part.bytes),
    [...wasm.parts.map((part) => part.bytes)].sort((a, b) => b - a),
    'largest part first',
  );
  t.is(wasm.limit?.bytes, 4 * 2 ** 30);
  t.is(estimateGptMemory(shape, 'cpu').limit, undefined);
  const untied = estimateGptMemory({...shape, tiedEmbeddings: false}, 'wasm');
  t.true(untied.bytes > wasm.bytes, 'an untied output projection adds its weights');
});

for (const command of [
  ['prepare-data', '--input', 'data'],
  ['tokenizer:train', '--input', 'data', '--vocab-size', '280'],
  ['train', '--config', 'train.yaml'],
]) {
  test(`an unusable runs.dir is refused up front: ${command[0]}`, async (t) => {
    const file = join(workspace.path, `not-a-directory-${command[0]}`);
    await writeFile(file, 'x');
    for (const runsDir of ['/proc/self', file]) {
      const result = await runCli([...command, '--set', `runs.dir=${runsDir}`], {cwd: workspace.path, timeoutMs: 60_000});
      t.is(result.code, 3, `${runsDir}: ${result.stderr}`);
      t.true(isOneLineError(result.stderr), result.stderr);
      t.regex(result.stderr, /runs\.dir .* cannot hold runs: .* — set runs\.dir to a writable directory/);
    }
  });
}

test.serial(
  'a failed training run: with checkpoints it is kept, marked, listed and removed by gc; without any, nothing is left',
  async (t) => {
    const diverge = ['--set', 'training.optimizer.learningRate=1e38', '--set', 'training.steps=6', '--set', 'training.evalInterval=0'];
    const kept = await train(workspace.path, [...diverge, '--set', 'training.checkpointInterval=1', '--run-dir', 'failed-kept']);
    t.is(kept.code, 1, kept.stderr);
    t.regex(kept.stderr, /the loss is NaN|the gradient norm is (NaN|Infinity)/);
    const [runId] = await runsIn('failed-kept');
    t.truthy(runId);
    const listed = await runCli(['runs:list', '--json', '--set', 'runs.dir=failed-kept'], {cwd: workspace.path});
    const list = JSON.parse(listed.stdout) as {runs: unknown[]; failed: {runId: string; code: string}[]};
    t.deepEqual(
      list.failed.map((run) => [run.runId, run.code]),
      [[runId, 'E_NON_FINITE']],
    );
    const text = await runCli(['runs:list', '--set', 'runs.dir=failed-kept'], {cwd: workspace.path});
    t.regex(text.stdout, new RegExp(`${runId}  failed  .*E_NON_FINITE: step \\d+`));
    const gc = await runCli(['runs:gc', '--apply', '--json', '--set', 'runs.dir=failed-kept'], {cwd: workspace.path});
    t.is(gc.code, 0, gc.stderr);
    t.deepEqual(
      (JSON.parse(gc.stdout) as {remove: {runId: string; failed?: boolean}[]}).remove.map((run) => [run.runId, run.failed]),
      [[runId, true]],
    );
    t.false(existsSync(join(workspace.path, 'failed-kept', runId as string)));

    const none = await train(workspace.path, [...diverge, '--set', 'training.checkpointInterval=100', '--run-dir', 'failed-none']);
    t.is(none.code, 1, none.stderr);
    t.deepEqual(await runsIn('failed-none'), [], 'a failed run with nothing to resume from leaves no directory');
  },
);

test('a full disk names the file being written', async (t) => {
  // /dev/full answers every write with ENOSPC.
  const metrics = await MetricsLog.open('/dev/full');
  const error = await t.throwsAsync(metrics.append({kind: 'eval', step: 1, loss: 1, perplexity: 2.7, tokens: 1, elapsed: 0}));
  await metrics.close();
  t.regex(error?.message ?? '', /^cannot write \/dev\/full: no space left on device$/);
});

test('messages escape control characters, and a numeric flag out of range states the range', async (t) => {
  const hostile = join(workspace.path, 'evil\u001b[2Jname\nsecond\u202eline');
  const hash = await runCli(['hash', hostile], {cwd: workspace.path});
  t.is(hash.code, 4);
  t.true(isOneLineError(hash.stderr), hash.stderr);
  t.false(hash.stderr.includes('\u001b') || hash.stderr.includes('\u202e'), 'no raw escape or bidi override reaches the terminal');
  t.true(hash.stderr.includes('evil\\x1b[2Jname\\nsecond\\u202eline'), hash.stderr);
  const flag = await runCli(['tokenizer:train', '--input', 'data', '--vocab-size', '0'], {cwd: workspace.path});
  t.is(flag.code, 2);
  t.true(isOneLineError(flag.stderr), flag.stderr);
  t.regex(flag.stderr, /--vocab-size: expected an integer greater than or equal to 1 but received: 0/);
});
