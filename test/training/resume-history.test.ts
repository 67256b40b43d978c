import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {createWorkspace, jsonResult, train} from './cli_fixtures.js';

const RUN = ['training.steps=6', 'training.evalInterval=3', 'training.checkpointInterval=2', 'training.keepLast=2'].flatMap((s) => [
  '--set',
  s,
]);

let workspace: {path: string; cleanup: () => Promise<void>};

test.before(async () => {
  workspace = await tempDir('codex-resume-history-');
  await createWorkspace(workspace.path);
});

test.after.always(async () => {
  await workspace?.cleanup();
});

/** Every file of a run directory with its bytes (hidden files aside): what "nothing changed" compares. */
async function contents(runDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, {withFileTypes: true})) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else out[`${prefix}${entry.name}`] = (await readFile(join(dir, entry.name))).toString('base64');
    }
  };
  await walk(runDir, '');
  return out;
}

async function finishedRun(runsDir: string): Promise<string> {
  const result = await train(workspace.path, [...RUN, '--run-dir', runsDir, '--json']);
  if (result.code !== 0) throw new Error(result.stderr);
  return jsonResult(result.stdout).runDir;
}

test.serial(
  'a resume that would shorten a finished run, or rewind it to an older checkpoint, is refused and changes nothing',
  async (t) => {
    const runDir = await finishedRun('shorten');
    const before = await contents(runDir);
    t.deepEqual(
      Object.keys(before).filter((path) => path.endsWith('/manifest.json') && path.startsWith('checkpoints/')),
      ['checkpoints/step-000000004/manifest.json', 'checkpoints/step-000000006/manifest.json'],
    );

    const shorter = await train(workspace.path, ['--resume', runDir, '--set', 'training.steps=3']);
    t.is(shorter.code, 2, shorter.stderr);
    t.true(isOneLineError(shorter.stderr), shorter.stderr);
    t.regex(shorter.stderr, /is set to 6 steps; resuming it with 3 would shorten it .* add --fork/);

    const rewound = await train(workspace.path, ['--resume', join(runDir, 'checkpoints', 'step-000000004')]);
    t.is(rewound.code, 2, rewound.stderr);
    t.regex(
      rewound.stderr,
      /step-000000004 is not the newest checkpoint of run \w{26} \(step-000000006 is\); continuing from it would discard/,
    );

    const again = await train(workspace.path, ['--resume', runDir, '--json']);
    t.is(again.code, 0, again.stderr);
    t.regex(again.stderr, /already finished at step 6 with these settings; nothing was changed/);
    t.is(jsonResult(again.stdout).steps, 6);
    t.deepEqual(await contents(runDir), before, 'checkpoints, metrics, config.snapshot and manifest are byte-identical');
  },
);

test.serial('extending a finished run only appends: earlier checkpoints and metrics stay, the snapshot records the resume', async (t) => {
  const runDir = await finishedRun('extend');
  const before = await contents(runDir);
  const metricsBefore = await readFile(join(runDir, 'metrics.ndjson'), 'utf8');

  const extended = await train(workspace.path, ['--resume', runDir, '--set', 'training.steps=10', '--json']);
  t.is(extended.code, 0, extended.stderr);
  t.is(jsonResult(extended.stdout).steps, 10);
  t.is(jsonResult(extended.stdout).resumedFrom, 6);
  const after = await contents(runDir);
  for (const [path, bytes] of Object.entries(before)) {
    if (path.startsWith('checkpoints/')) t.is(after[path], bytes, `${path} kept as it was`);
  }
  t.deepEqual((await readdir(join(runDir, 'checkpoints'))).sort(), [
    'step-000000004',
    'step-000000006',
    'step-000000008',
    'step-000000010',
  ]);
  t.true((await readFile(join(runDir, 'metrics.ndjson'), 'utf8')).startsWith(metricsBefore), 'metrics appended after the old lines');
  const snapshot = JSON.parse(await readFile(join(runDir, 'config.snapshot'), 'utf8')) as {
    inputs: {totalSteps: number};
    resumes: {fromStep: number; totalSteps: number}[];
  };
  t.is(snapshot.inputs.totalSteps, 10);
  t.like(snapshot.resumes, [{fromStep: 6, totalSteps: 10}]);
  const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as {steps: number; runId: string};
  t.is(manifest.steps, 10);
  // Its parents live in the default runs directory, so only the run's own artifacts are checked here.
  const verified = await runCli(['runs:verify', manifest.runId, '--json', '--set', `runs.dir=${join(workspace.path, 'extend')}`], {
    cwd: workspace.path,
  });
  const report = JSON.parse(verified.stdout) as {runs: {runId: string; artifacts: {path: string; status: string}[]}[]};
  const own = report.runs[0]?.artifacts ?? [];
  t.is(own.length, 18);
  t.deepEqual(
    own.filter((artifact) => artifact.status !== 'ok'),
    [],
  );
});

test.serial('--fork starts a new run from an older checkpoint and leaves the original untouched', async (t) => {
  const runDir = await finishedRun('fork');
  const before = await contents(runDir);
  const forked = await train(workspace.path, [
    '--resume',
    join(runDir, 'checkpoints', 'step-000000004'),
    '--fork',
    '--set',
    'training.steps=5',
    '--json',
  ]);
  t.is(forked.code, 0, forked.stderr);
  const output = jsonResult(forked.stdout);
  t.not(output.runDir, runDir);
  t.is(output.resumedFrom, 4);
  t.is(output.steps, 5);
  t.deepEqual(await contents(runDir), before, 'the original run is unchanged');
  const manifest = JSON.parse(await readFile(join(output.runDir, 'manifest.json'), 'utf8')) as {
    parents: string[];
    forkedFrom: {runId: string; step: number};
  };
  const originalId = runDir.split('/').at(-1) as string;
  t.true(manifest.parents.includes(originalId), 'the fork names the run it came from as a parent');
  t.deepEqual(manifest.forkedFrom, {runId: originalId, step: 4});
  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as {step: number; loss: number});
  const original = lines(await readFile(join(runDir, 'metrics.ndjson'), 'utf8')).filter((line) => line.step <= 4);
  t.deepEqual(lines(await readFile(join(output.runDir, 'metrics.ndjson'), 'utf8')).slice(0, original.length), original);

  const tooShort = await train(workspace.path, ['--resume', runDir, '--fork', '--set', 'training.steps=6']);
  t.is(tooShort.code, 2, tooShort.stderr);
  t.regex(tooShort.stderr, /a fork from step 6 needs more than 6 steps/);
});
