import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isLive, readOwner} from '@codex-ml/core';
import {repoRoot, startCli, tempDir} from '../helpers/run-cli.js';
import {writeCorpus} from '../training/cli_fixtures.js';

/** Processes whose working directory is `dir` (anything a command left running there). */
async function processesIn(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cwd = await (await import('node:fs/promises')).readlink(`/proc/${name}/cwd`).catch(() => undefined);
    if (cwd === dir) pids.push(Number(name));
  }
  return pids;
}

async function eventuallyNoneIn(dir: string): Promise<number[]> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const left = await processesIn(dir);
    if (left.length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return processesIn(dir);
}

/** Run locks still held by a live process. */
async function liveLocks(runsDir: string): Promise<string[]> {
  const held: string[] = [];
  for (const name of await readdir(runsDir).catch(() => [] as string[])) {
    const owner = await readOwner(join(runsDir, name, '.lock'));
    if (owner && isLive(owner)) held.push(name);
  }
  return held;
}

const TINY = [
  'data.input=data',
  'data.splitter=seeded',
  'data.ratios=0.6,0.2,0.2',
  'tokenizer.vocabSize=300',
  'training.tfjs.layers=1',
  'training.tfjs.dModel=32',
  'training.tfjs.heads=2',
  'training.model.contextLength=16',
  'training.batchSize=4',
  'training.steps=3',
  'training.evalInterval=0',
  'training.checkpointInterval=1',
  'pipeline.report=false',
].flatMap((set) => ['--set', set]);

test('SIGINT under --json prints one JSON error object and exits 130 (tokenizer:train)', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  await writeCorpus(join(dir.path, 'data'));
  const child = startCli(['tokenizer:train', '--input', 'data', '--vocab-size', '280', '--out', 'tok', '--json'], {
    cwd: dir.path,
    env: {CODEX_TEST_PAUSE: 'tokenizer:train'},
  });
  await child.waitForStderr('paused at tokenizer:train');
  child.child.kill('SIGINT');
  const result = await child.exited;
  t.is(result.code, 130, result.stderr);
  const parsed = JSON.parse(result.stdout) as {error: {code: string; message: string; exitCode: number}};
  t.like(parsed.error, {code: 'E_INTERRUPTED', exitCode: 130});
  t.regex(parsed.error.message, /^interrupted \(SIGINT\)/);
  t.deepEqual(await readdir(join(dir.path, 'runs')), [], 'the interrupted run left nothing');
});

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`${signal} to a pipeline while its train stage writes a checkpoint: the stage stops too and releases its lock`, async (t) => {
    const dir = await tempDir();
    t.teardown(dir.cleanup);
    await writeCorpus(join(dir.path, 'data'));
    const pipeline = startCli(['pipeline', '--config', join(repoRoot, 'configs', 'pipeline.yaml'), ...TINY, '--json'], {
      cwd: dir.path,
      env: {CODEX_TEST_PAUSE: 'checkpoint:write'},
    });
    t.teardown(() => pipeline.child.kill('SIGKILL'));
    await pipeline.waitForStderr('paused at checkpoint:write');
    t.deepEqual((await liveLocks(join(dir.path, 'runs'))).length, 1, 'the train stage holds its run lock');
    pipeline.child.kill(signal);
    const result = await pipeline.exited;
    if (signal === 'SIGTERM') {
      t.is(result.code, 130, result.stderr);
      t.like((JSON.parse(result.stdout) as {error: {code: string}}).error, {code: 'E_INTERRUPTED'});
    } else {
      t.is(result.signal, 'SIGKILL');
    }
    t.deepEqual(await eventuallyNoneIn(dir.path), [], 'no stage outlives the pipeline');
    t.deepEqual(await liveLocks(join(dir.path, 'runs')), [], 'the stage released its lock');
    const snapshots = [];
    for (const name of await readdir(join(dir.path, 'runs'))) {
      if (await readFile(join(dir.path, 'runs', name, 'config.snapshot')).catch(() => undefined)) snapshots.push(name);
    }
    const checkpoints = snapshots.length === 1;
    t.truthy(checkpoints, 'the interrupted training run can be resumed');
  });
}
