import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {Ajv} from 'ajv';
import {repoRoot, tempDir} from '../helpers/run-cli.js';
import {createWorkspace, jsonResult, metricsOf, train} from './cli_fixtures.js';

test('codex train runs two steps: loss decreases, no NaN, snapshot, metrics, checkpoint and run manifest exist', async (t) => {
  const workspace = await tempDir('codex-train-cli-');
  t.teardown(workspace.cleanup);
  const {dataRunId} = await createWorkspace(workspace.path);
  const settings = [
    'training.steps=2',
    'training.evalInterval=1',
    'training.schedule.name=constant',
    'training.optimizer.learningRate=0.01',
  ];
  const result = await train(workspace.path, [...settings.flatMap((s) => ['--set', s]), '--run-dir', 'my-runs', '--json']);
  t.is(result.code, 0, result.stderr);
  const output = jsonResult(result.stdout);
  t.deepEqual(Object.keys(output).slice(0, 4), ['runId', 'runDir', 'manifest', 'steps']);
  t.is(output.steps, 2);
  const ajv = new Ajv({strict: true, allowUnionTypes: true});
  const schema = async (name: string) => JSON.parse(await readFile(join(repoRoot, 'docs', 'training', name), 'utf8'));
  const validResult = ajv.compile(JSON.parse(await readFile(join(repoRoot, 'schemas', 'train.json'), 'utf8')));
  t.true(validResult(output), JSON.stringify(validResult.errors));
  t.is(output.runDir, join(workspace.path, 'my-runs', output.runId));
  t.is(result.stderr.trim(), '', 'no progress bar or chatter without a TTY');

  const run = output.runDir;
  t.deepEqual((await readdir(run)).filter((name) => !name.startsWith('.')).sort(), [
    'checkpoints',
    'config.snapshot',
    'manifest.json',
    'metrics.ndjson',
  ]);
  t.deepEqual((await readdir(join(run, 'checkpoints', 'step-000000002'))).sort(), [
    'manifest.json',
    'optimizer.bin',
    'state.json',
    'weights.bin',
  ]);

  const lines = await metricsOf(run);
  const losses = lines.filter((line) => line.kind === 'train').map((line) => line.loss as number);
  t.is(losses.length, 2);
  t.true(lines.every((line) => Number.isFinite(line.loss)));
  const validLine = ajv.compile(await schema('metrics-line.schema.json'));
  for (const line of lines) t.true(validLine(line), `${JSON.stringify(line)}: ${JSON.stringify(validLine.errors)}`);
  t.true((losses[1] as number) < (losses[0] as number), `loss decreases: ${losses.join(' → ')}`);
  t.is(output.finalLoss, losses[1] as number);

  const snapshot = JSON.parse(await readFile(join(run, 'config.snapshot'), 'utf8'));
  t.is(snapshot.seed, 1337);
  t.is(snapshot.parents.data, dataRunId);
  t.is(snapshot.config.training.steps, 2);
  t.truthy(snapshot.versions['@tensorflow/tfjs']);
  t.regex(snapshot.configDigest, /^blake3:[0-9a-f]{64}$/);

  const manifest = JSON.parse(await readFile(join(run, 'manifest.json'), 'utf8'));
  t.is(manifest.kind, 'training');
  t.is(manifest.runId, output.runId);
  t.true(manifest.parents.includes(dataRunId));
  const paths = manifest.artifacts.map((artifact: {path: string}) => artifact.path);
  t.true(paths.includes('config.snapshot') && paths.includes('metrics.ndjson') && paths.includes('checkpoints/step-000000002/weights.bin'));
  for (const artifact of manifest.artifacts) t.regex(artifact.checksum, /^blake3:[0-9a-f]{64}$/);

  // A second run with the same inputs reuses the token cache.
  const again = await train(workspace.path, [...settings.flatMap((s) => ['--set', s]), '--run-dir', 'my-runs', '--json']);
  t.is(again.code, 0, again.stderr);
  t.is(jsonResult(again.stdout).finalLoss, output.finalLoss, 'same seed, same result');
  t.false((output as unknown as {tokenCache: {hit: boolean}}).tokenCache.hit);
  t.true((JSON.parse(again.stdout) as {tokenCache: {hit: boolean}}).tokenCache.hit);
  t.is((await readdir(join(workspace.path, '.codex', 'cache', 'tokens'))).length, 1);
});
