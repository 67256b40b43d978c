import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, tempDir} from '../helpers/run-cli.js';
import {createWorkspace, jsonResult, metricsOf, onlyRun, startTraining, train, untilStepLogged} from './cli_fixtures.js';
import {deterministicFields} from './runner_fixtures.js';

// Rows of 16 tokens and batches of 64 rows: each step is two 512-token gradient chunks, one per worker. Dropout
// and evaluation on, checkpoints every 3 steps.
const RUN = [
  'training.steps=20',
  'training.batchSize=64',
  'training.tfjs.dropout=0.1',
  'training.evalInterval=10',
  'training.checkpointInterval=3',
  'training.keepLast=2',
].flatMap((s) => ['--set', s]);
const workers = (count: number) => ['--set', `training.workers=${count}`];
const FINAL = join('checkpoints', 'step-000000020', 'weights.bin');

let workspace: {path: string; cleanup: () => Promise<void>};
let reference: {metrics: object[]; weights: Buffer};

test.before(async () => {
  workspace = await tempDir('codex-train-workers-');
  await createWorkspace(workspace.path);
  const result = await train(workspace.path, [...RUN, ...workers(1), '--run-dir', 'one-worker', '--json']);
  if (result.code !== 0) throw new Error(result.stderr);
  const {runDir} = jsonResult(result.stdout);
  reference = {metrics: await metricsOf(runDir), weights: await readFile(join(runDir, FINAL))};
});

test.after.always(async () => {
  await workspace?.cleanup();
});

async function assertSameAsOneWorker(t: import('ava').ExecutionContext, runDir: string): Promise<void> {
  const metrics = await metricsOf(runDir);
  t.is(metrics.length, reference.metrics.length);
  t.deepEqual(deterministicFields(metrics), deterministicFields(reference.metrics), 'metrics lines equal but for wall-clock fields');
  t.true((await readFile(join(runDir, FINAL))).equals(reference.weights), 'final weights bitwise equal');
}

test.serial('2 workers write the metrics lines and the weights of 1 worker after 20 steps, bitwise', async (t) => {
  const result = await train(workspace.path, [...RUN, ...workers(2), '--run-dir', 'two-workers', '--json']);
  t.is(result.code, 0, result.stderr);
  await assertSameAsOneWorker(t, jsonResult(result.stdout).runDir);
});

test.serial('SIGKILL mid-run with 2 workers, then --resume: the run ends as the uninterrupted one did', async (t) => {
  const runsDir = join(workspace.path, 'killed');
  const child = startTraining(workspace.path, [...RUN, ...workers(2), '--run-dir', 'killed']);
  // Between checkpoints: once step 4 is logged (past the step-3 checkpoint).
  await untilStepLogged(child, runsDir, 4);
  child.child.kill('SIGKILL');
  t.is((await child.exited).signal, 'SIGKILL');
  const resumed = await train(workspace.path, ['--resume', '--run-dir', 'killed', '--json']);
  t.is(resumed.code, 0, resumed.stderr);
  t.is(jsonResult(resumed.stdout).steps, 20);
  await assertSameAsOneWorker(t, await onlyRun(runsDir));
});

test.serial('a worker that crashes ends the run with one line and leaves a resumable last checkpoint', async (t) => {
  const runsDir = join(workspace.path, 'crashed');
  const crashed = await train(workspace.path, [...RUN, ...workers(2), '--run-dir', 'crashed'], {CODEX_TEST_CRASH_WORKER: '8'});
  t.is(crashed.code, 1, crashed.stderr);
  t.true(isOneLineError(crashed.stderr), crashed.stderr);
  t.regex(crashed.stderr, /gradient worker 2 of 2 failed at step 8: injected fault at step 8/);
  const runDir = await onlyRun(runsDir);
  const checkpoints = await readdir(join(runDir, 'checkpoints'));
  t.deepEqual(checkpoints.sort(), ['step-000000003', 'step-000000006'], 'no half-written checkpoint');
  t.true(
    (await metricsOf(runDir)).every((line) => (line as {step: number}).step <= 7),
    'nothing of the failed step was logged',
  );

  // Resumed on one worker: the count may change, the result may not.
  const resumed = await train(workspace.path, ['--resume', '--run-dir', 'crashed', ...workers(1), '--json']);
  t.is(resumed.code, 0, resumed.stderr);
  t.is(jsonResult(resumed.stdout).resumedFrom, 6);
  await assertSameAsOneWorker(t, runDir);
});
