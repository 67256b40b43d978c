import {mkdir, readFile, readdir, truncate, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import type {OptimizerState} from '@codex-ml/core';
import {type CheckpointContent, CheckpointStore} from '../../src/services/training/checkpoint-store.js';
import {sha256, withTempDir} from './runner_fixtures.js';

function content(step: number): CheckpointContent {
  const optimizer: OptimizerState = {
    type: 'adamw',
    version: 1,
    step,
    hyper: {learningRate: 0.001, weightDecay: 0.01},
    slots: {w: {m: Float32Array.from([step, 0.5]), v: Float32Array.from([0.25, step])}},
  };
  return {
    step,
    weights: [
      {name: 'w', shape: [2], data: Float32Array.from([step, -step])},
      {name: 'b', shape: [1], data: Float32Array.from([Math.PI])},
    ],
    optimizer,
    trainer: {sampler: {epoch: 1, cursor: step}, lastLoss: null},
  };
}

test('a checkpoint round-trips weights, optimizer slots and trainer state exactly', async (t) => {
  await withTempDir(async (dir) => {
    const store = new CheckpointStore(dir, 'RUN', await sha256());
    const written = await store.write(content(3));
    const loaded = await store.load(written.path);
    t.is(loaded.step, 3);
    t.deepEqual(
      loaded.weights.map((tensor) => [tensor.name, [...tensor.shape], [...tensor.data]]),
      [
        ['b', [1], [Math.fround(Math.PI)]],
        ['w', [2], [3, -3]],
      ],
    );
    t.deepEqual([...(loaded.optimizer.slots.w?.m ?? [])], [3, 0.5]);
    t.deepEqual(loaded.optimizer.hyper, {learningRate: 0.001, weightDecay: 0.01});
    t.deepEqual(loaded.trainer, {sampler: {epoch: 1, cursor: 3}, lastLoss: null});
    const manifest = JSON.parse(await readFile(join(written.path, 'manifest.json'), 'utf8'));
    t.deepEqual(
      manifest.files.map((file: {path: string}) => file.path),
      ['weights.bin', 'optimizer.bin', 'state.json'],
    );
    t.regex(manifest.files[0].checksum, /^sha256:[0-9a-f]{64}$/);
  });
});

test('keep-last-K deletes the oldest checkpoints', async (t) => {
  await withTempDir(async (dir) => {
    const store = new CheckpointStore(dir, 'RUN', await sha256());
    for (const step of [2, 4, 6, 8]) {
      await store.write(content(step));
      await store.prune(2);
    }
    t.deepEqual(
      (await store.list()).map((checkpoint) => checkpoint.step),
      [8, 6],
    );
    t.deepEqual((await readdir(store.directory)).sort(), ['step-000000006', 'step-000000008']);
  });
});

for (const [damage, corrupt] of [
  [
    'a flipped byte',
    async (path: string) => {
      const bytes = await readFile(join(path, 'weights.bin'));
      bytes[0] = (bytes[0] as number) ^ 0xff;
      await writeFile(join(path, 'weights.bin'), bytes);
    },
  ],
  ['a truncated file', async (path: string) => truncate(join(path, 'optimizer.bin'), 3)],
  ['a missing manifest', async (path: string) => writeFile(join(path, 'manifest.json'), '{"schemaVersion": 1, "kind": "checkp')],
] as const) {
  test(`a checkpoint with ${damage} is skipped with a warning and the previous one is used`, async (t) => {
    await withTempDir(async (dir) => {
      const store = new CheckpointStore(dir, 'RUN', await sha256());
      await store.write(content(4));
      const newest = await store.write(content(8));
      await corrupt(newest.path);
      const warnings: string[] = [];
      const loaded = await store.loadLatest((message) => warnings.push(message));
      t.is(loaded?.checkpoint.step, 4);
      t.is(warnings.length, 1);
      t.regex(warnings[0] ?? '', /^checkpoint step-000000008 is unusable \(.+\); falling back to the previous one$/);
      t.deepEqual(
        (await store.list()).map((checkpoint) => checkpoint.step),
        [4],
      );
    });
  });
}

test('a write interrupted before publishing leaves no checkpoint, only a hidden temp directory that is cleaned', async (t) => {
  await withTempDir(async (dir) => {
    const hasher = await sha256();
    await new CheckpointStore(dir, 'RUN', hasher).write(content(2));
    const interrupted = new CheckpointStore(dir, 'RUN', hasher, async () => {
      throw new Error('killed');
    });
    await t.throwsAsync(interrupted.write(content(4)));
    // A SIGKILL leaves the temp directory behind; simulate that leftover too.
    await mkdir(join(dir, 'checkpoints', '.step-000000006.999.deadbeef.tmp'));
    await writeFile(join(dir, 'checkpoints', '.step-000000006.999.deadbeef.tmp', 'weights.bin'), 'partial');
    const store = new CheckpointStore(dir, 'RUN', hasher);
    t.deepEqual(
      (await store.list()).map((checkpoint) => checkpoint.step),
      [2],
    );
    t.is((await store.loadLatest(() => t.fail('nothing is damaged')))?.checkpoint.step, 2);
    await store.discardAfter(2);
    t.deepEqual(await readdir(store.directory), ['step-000000002']);
  });
});
