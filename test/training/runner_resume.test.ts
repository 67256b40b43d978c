import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {readMetrics} from '../../src/services/training/metrics-log.js';
import {SimulatedCrash, deterministicFields, runToy, tinyConfig, withTempDir} from './runner_fixtures.js';

// Dropout, accumulation, a decaying schedule and evaluations all on: everything a resumed step depends on.
const SETTINGS = [
  'training.steps=10',
  'training.tfjs.dropout=0.1',
  'training.accumulationSteps=2',
  'training.schedule.name=warmup-cosine',
  'training.schedule.warmupSteps=3',
  'training.evalInterval=3',
  'training.checkpointInterval=4',
  'training.keepLast=2',
];

for (const backend of ['wasm', 'cpu']) {
  test.serial(`${backend}: a run stopped after step 6 and resumed from its step-4 checkpoint equals an uninterrupted run`, async (t) => {
    await withTempDir(async (whole) => {
      await withTempDir(async (split) => {
        const config = tinyConfig([...SETTINGS, `training.tfjs.backend=${backend}`]);
        const reference = await runToy(whole, config);
        t.is(reference.result.steps, 10);

        await t.throwsAsync(runToy(split, config, {stopAfter: 6}), {instanceOf: SimulatedCrash});
        // The killed run wrote metrics for steps 5 and 6 past its last checkpoint; resume must drop them.
        t.is(Math.max(...(await readMetrics(join(split, 'metrics.ndjson'))).map((line) => line.step)), 6);
        const resumed = await runToy(split, config, {resume: true});
        t.is(resumed.result.steps, 10);
        t.deepEqual(resumed.result.finalLoss, reference.result.finalLoss);

        const expected = deterministicFields(await readMetrics(join(whole, 'metrics.ndjson')));
        const actual = deterministicFields(await readMetrics(join(split, 'metrics.ndjson')));
        t.deepEqual(actual, expected);
        for (const file of ['weights.bin', 'optimizer.bin']) {
          const a = await readFile(join(whole, 'checkpoints', 'step-000000010', file));
          const b = await readFile(join(split, 'checkpoints', 'step-000000010', file));
          t.true(a.equals(b), `${file} bitwise equal`);
        }
      });
    });
  });
}
