import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {tempDir} from '../helpers/run-cli.js';
import {createWorkspace, jsonResult, metricsOf, onlyRun, startTraining, train, untilStepLogged} from './cli_fixtures.js';
import {deterministicFields} from './runner_fixtures.js';

// Dropout and a decaying schedule on, checkpoints every 3 steps: what a resumed step depends on is exercised.
const RUN = [
  'training.steps=12',
  'training.tfjs.dropout=0.1',
  'training.evalInterval=4',
  'training.checkpointInterval=3',
  'training.keepLast=2',
].flatMap((s) => ['--set', s]);

let workspace: {path: string; cleanup: () => Promise<void>};
let reference: {metrics: object[]; weights: Buffer; finalLoss: number};

test.before(async () => {
  workspace = await tempDir('codex-train-resume-');
  await createWorkspace(workspace.path);
  const result = await train(workspace.path, [...RUN, '--run-dir', 'reference', '--json']);
  if (result.code !== 0) throw new Error(result.stderr);
  const output = jsonResult(result.stdout);
  reference = {
    metrics: await metricsOf(output.runDir),
    weights: await readFile(join(output.runDir, 'checkpoints', 'step-000000012', 'weights.bin')),
    finalLoss: output.finalLoss,
  };
});

test.after.always(async () => {
  await workspace?.cleanup();
});

async function assertSameAsReference(t: import('ava').ExecutionContext, runDir: string): Promise<void> {
  t.deepEqual(deterministicFields(await metricsOf(runDir)), deterministicFields(reference.metrics));
  t.true(
    (await readFile(join(runDir, 'checkpoints', 'step-000000012', 'weights.bin'))).equals(reference.weights),
    'final weights bitwise equal',
  );
}

test.serial('SIGKILL mid-run, then --resume latest: the run completes with the weights and metrics of an uninterrupted run', async (t) => {
  const runsDir = join(workspace.path, 'killed-mid-run');
  const child = startTraining(workspace.path, [...RUN, '--run-dir', 'killed-mid-run']);
  // Kill between checkpoints: as soon as step 4 is logged (past the step-3 checkpoint), eight steps before the end.
  await untilStepLogged(child, runsDir, 4);
  child.child.kill('SIGKILL');
  t.is((await child.exited).signal, 'SIGKILL');
  const runDir = await onlyRun(runsDir);
  t.false((await readdir(runDir)).includes('manifest.json'), 'an interrupted run has no manifest yet');

  const resumed = await train(workspace.path, ['--resume', '--run-dir', 'killed-mid-run', '--json']);
  t.is(resumed.code, 0, resumed.stderr);
  const output = jsonResult(resumed.stdout);
  t.is(output.runDir, runDir);
  t.true([3, 6, 9].includes(output.resumedFrom as number), `resumed from ${output.resumedFrom}`);
  t.is(output.steps, 12);
  t.is(output.finalLoss, reference.finalLoss);
  await assertSameAsReference(t, runDir);
});

test.serial('SIGKILL during a checkpoint write: the partial checkpoint is never used and resume still matches', async (t) => {
  const runsDir = join(workspace.path, 'killed-in-checkpoint');
  const child = startTraining(workspace.path, [...RUN, '--run-dir', 'killed-in-checkpoint'], {CODEX_TEST_HOLD_CHECKPOINT: '9'});
  await child.waitForStderr('holding checkpoint step-000000009');
  child.child.kill('SIGKILL');
  t.is((await child.exited).signal, 'SIGKILL');
  const runDir = await onlyRun(runsDir);
  const entries = await readdir(join(runDir, 'checkpoints'));
  t.true(
    entries.some((name) => name.startsWith('.step-000000009.')),
    `the killed write left its temp directory: ${entries.join(', ')}`,
  );
  t.false(entries.includes('step-000000009'), 'the partial checkpoint was never published');

  const resumed = await train(workspace.path, ['--resume', 'latest', '--run-dir', 'killed-in-checkpoint', '--json']);
  t.is(resumed.code, 0, resumed.stderr);
  const output = jsonResult(resumed.stdout);
  t.is(output.resumedFrom, 6, 'resumed from the last complete checkpoint');
  t.is(output.steps, 12);
  const after = await readdir(join(runDir, 'checkpoints'));
  t.deepEqual(after.sort(), ['step-000000009', 'step-000000012'], 'temp directories cleaned, keep-last 2');
  await assertSameAsReference(t, runDir);
});

test.serial('a corrupted newest checkpoint is skipped with a warning; --fork continues from a checkpoint path as a new run', async (t) => {
  const first = await train(workspace.path, [...RUN, '--run-dir', 'corrupted', '--json']);
  t.is(first.code, 0, first.stderr);
  const {runDir} = jsonResult(first.stdout);
  const weights = join(runDir, 'checkpoints', 'step-000000012', 'weights.bin');
  const bytes = await readFile(weights);
  bytes[100] = (bytes[100] as number) ^ 0x01;
  await (await import('node:fs/promises')).writeFile(weights, bytes);

  const resumed = await train(workspace.path, ['--resume', runDir, '--json']);
  t.is(resumed.code, 0, resumed.stderr);
  t.regex(
    resumed.stderr,
    /warning: checkpoint step-000000012 is unusable \(.*weights\.bin checksum .* does not match.*\); falling back to the previous one/,
  );
  t.is(jsonResult(resumed.stdout).resumedFrom, 9);
  await assertSameAsReference(t, runDir);

  // Continuing from an older checkpoint would discard the newer ones: refused; --fork continues it as a new run.
  const step9 = join(runDir, 'checkpoints', 'step-000000009');
  const rewound = await train(workspace.path, ['--resume', step9, '--set', 'training.steps=12', '--json']);
  t.is(rewound.code, 2, rewound.stdout);
  const fromPath = await train(workspace.path, ['--resume', step9, '--fork', '--set', 'training.steps=12', '--json']);
  t.is(fromPath.code, 0, fromPath.stderr);
  t.is(jsonResult(fromPath.stdout).resumedFrom, 9);
  t.not(jsonResult(fromPath.stdout).runDir, runDir);
  await assertSameAsReference(t, jsonResult(fromPath.stdout).runDir);
  await assertSameAsReference(t, runDir);
});

test.serial('killed while writing its first checkpoint, a run resumes from step 0 with a warning and still matches', async (t) => {
  const runsDir = join(workspace.path, 'killed-first-checkpoint');
  const child = startTraining(workspace.path, [...RUN, '--run-dir', 'killed-first-checkpoint'], {CODEX_TEST_HOLD_CHECKPOINT: '3'});
  await child.waitForStderr('holding checkpoint step-000000003');
  child.child.kill('SIGKILL');
  await child.exited;
  const runDir = await onlyRun(runsDir);
  const resumed = await train(workspace.path, ['--resume', '--run-dir', 'killed-first-checkpoint', '--json']);
  t.is(resumed.code, 0, resumed.stderr);
  t.regex(resumed.stderr, /warning: run \w+ has no intact checkpoint; starting it again from step 0/);
  t.is(jsonResult(resumed.stdout).resumedFrom, null);
  await assertSameAsReference(t, runDir);
});

test.serial('Ctrl-C says where the run can continue from, exits 130, and that resume matches', async (t) => {
  const runsDir = join(workspace.path, 'interrupted');
  const child = startTraining(workspace.path, [...RUN, '--run-dir', 'interrupted']);
  await untilStepLogged(child, runsDir, 4);
  child.child.kill('SIGINT');
  t.is((await child.exited).code, 130);
  const runDir = await onlyRun(runsDir);
  const notice = /interrupted \(SIGINT\): run \w{26} can continue from step (\d+): codex train --resume (\S+)\n$/.exec(child.stderr());
  t.truthy(notice, child.stderr());
  t.is(notice?.[2], runDir);
  const resumed = await train(workspace.path, ['--resume', notice?.[2] as string, '--json']);
  t.is(resumed.code, 0, resumed.stderr);
  t.is(jsonResult(resumed.stdout).resumedFrom, Number(notice?.[1]));
  await assertSameAsReference(t, runDir);
});
