import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isCodexError} from '@codex-ml/core';
import {CheckpointStore} from '../../src/services/training/checkpoint-store.js';
import {readMetrics} from '../../src/services/training/metrics-log.js';
import {readRunnerOptions, totalSteps} from '../../src/services/training/training-options.js';
import {runToy, sha256, tinyConfig, withTempDir} from './runner_fixtures.js';

test.serial('two steps on a toy dataset: loss decreases, nothing is NaN, the final checkpoint holds the weights', async (t) => {
  await withTempDir(async (dir) => {
    const config = tinyConfig([
      'training.steps=2',
      'training.evalInterval=1',
      'training.schedule.name=constant',
      'training.optimizer.learningRate=0.01',
    ]);
    const {result} = await runToy(dir, config);
    t.is(result.steps, 2);
    const lines = await readMetrics(join(dir, 'metrics.ndjson'));
    const train = lines.filter((line) => line.kind === 'train');
    const evals = lines.filter((line) => line.kind === 'eval');
    t.deepEqual(
      train.map((line) => line.step),
      [1, 2],
    );
    t.deepEqual(
      evals.map((line) => line.step),
      [1, 2],
    );
    for (const line of lines) t.true(Number.isFinite(line.loss), `finite loss at step ${line.step}`);
    t.true((train[1]?.loss as number) < (train[0]?.loss as number), 'train loss decreases');
    t.true((evals[1]?.loss as number) < (evals[0]?.loss as number), 'val loss decreases');
    t.is(result.finalLoss, train[1]?.loss ?? null);
    const checkpoint = await new CheckpointStore(dir, 'x', await sha256()).load(join(dir, 'checkpoints', 'step-000000002'));
    t.is(checkpoint.step, 2);
    t.is(checkpoint.optimizer.step, 2);
    t.true(checkpoint.weights.length > 0);
    for (const tensor of checkpoint.weights) t.true(tensor.data.every(Number.isFinite));
    const first = JSON.parse(await readFile(join(dir, 'metrics.ndjson'), 'utf8').then((text) => text.split('\n')[0] as string));
    t.deepEqual(Object.keys(first), ['kind', 'step', 'epoch', 'loss', 'lr', 'grad_norm', 'tokens', 'tokens_per_s', 'elapsed']);
  });
});

test.serial('early stopping ends the run after `patience` evaluations without improvement and checkpoints there', async (t) => {
  await withTempDir(async (dir) => {
    const config = tinyConfig([
      'training.steps=10',
      'training.evalInterval=1',
      'training.checkpointInterval=0',
      'training.earlyStopping.patience=2',
      'training.earlyStopping.minDelta=1000',
    ]);
    const {result} = await runToy(dir, config);
    t.true(result.stoppedEarly);
    t.is(result.steps, 3);
    t.is(result.lastCheckpointStep, 3);
    const names = (await new CheckpointStore(dir, 'x', await sha256()).list()).map((checkpoint) => checkpoint.name);
    t.deepEqual(names, ['step-000000003']);
  });
});

test.serial('a diverging run stops at the first non-finite step, names it, and keeps the last good checkpoint', async (t) => {
  await withTempDir(async (dir) => {
    const config = tinyConfig([
      'training.steps=40',
      'training.optimizer.name=sgd',
      'training.optimizer.learningRate=1000000',
      'training.schedule.name=constant',
      'training.clipNorm=0',
      'training.checkpointInterval=1',
      'training.evalInterval=0',
    ]);
    const error = await t.throwsAsync(runToy(dir, config));
    t.true(isCodexError(error));
    t.regex(
      error?.message ?? '',
      /^step (\d+): the (loss|gradient norm) is (NaN|Infinity|-Infinity).*training stopped, the last good checkpoint is step \d+/,
    );
    const failed = Number(/^step (\d+)/.exec(error?.message ?? '')?.[1]);
    const store = new CheckpointStore(dir, 'x', await sha256());
    const newest = await store.loadLatest(() => t.fail('no checkpoint should be damaged'));
    t.is(newest?.checkpoint.step, failed - 1);
    for (const tensor of newest?.content.weights ?? []) t.true(tensor.data.every(Number.isFinite), `${tensor.name} is finite`);
    const lines = await readMetrics(join(dir, 'metrics.ndjson'));
    t.true(lines.every((line) => line.step < failed && Number.isFinite(line.loss)));
  });
});

test.serial('training.epochs runs whole passes over the train split instead of training.steps', async (t) => {
  await withTempDir(async (dir) => {
    // 4000 toy tokens in windows of 16 → 249 windows; 4 rows per step → 63 steps per pass.
    const config = tinyConfig(['training.epochs=1', 'training.steps=1000', 'training.evalInterval=0', 'training.checkpointInterval=0']);
    const options = readRunnerOptions((key) => config.get(key));
    t.is(totalSteps(options, 249), 63);
    t.is(totalSteps({...options, epochs: 0}, 249), 1000);
    t.is(totalSteps({...options, epochs: 2, accumulationSteps: 2}, 249), 63);
    const {result} = await runToy(dir, config);
    t.is(result.steps, 63);
    const epochs = (await readMetrics(join(dir, 'metrics.ndjson'))).map((line) => (line.kind === 'train' ? line.epoch : 0));
    t.is(epochs[0], 1);
    t.true((epochs.at(-1) as number) <= 2, 'at most the start of a second pass (the random offset may cut one window)');
  });
});
