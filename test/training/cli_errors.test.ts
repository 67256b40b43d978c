import {appendFile, mkdir, readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, tempDir} from '../helpers/run-cli.js';
import {createWorkspace, jsonResult, prepareData, train, writeCorpus} from './cli_fixtures.js';

let workspace: {path: string; cleanup: () => Promise<void>};

test.before(async () => {
  workspace = await tempDir('codex-train-errors-');
  await createWorkspace(workspace.path);
  // The same tokenizer, declaring that it encodes at most 8 tokens.
  const document = JSON.parse(await readFile(join(workspace.path, 'tok', 'tokenizer.json'), 'utf8'));
  document.truncation = {direction: 'Right', max_length: 8, strategy: 'LongestFirst', stride: 0};
  await mkdir(join(workspace.path, 'tok8'));
  await writeFile(join(workspace.path, 'tok8', 'tokenizer.json'), JSON.stringify(document));
});

test.after.always(async () => {
  await workspace?.cleanup();
});

async function runsIn(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

const cases: Array<[string, string[], number, RegExp]> = [
  ['an unknown optimizer', ['training.optimizer.name=lion'], 3, /unknown optimizer backend "lion"; registered: adam, adamw, momentum, sgd/],
  [
    'a negative learning rate',
    ['training.optimizer.learningRate=-0.1'],
    3,
    /training\.optimizer\.learningRate: must be a positive number, got -0\.1/,
  ],
  [
    'a context longer than the tokenizer allows',
    ['training.tokenizer=tok8', 'training.model.contextLength=16'],
    3,
    /training\.model\.contextLength 16 is larger than the 8 tokens .*tok8\/tokenizer\.json allows/,
  ],
  [
    'heads that do not divide the model width',
    ['training.tfjs.heads=3'],
    3,
    /training\.tfjs\.heads \(3\) must divide training\.tfjs\.dModel \(32\)/,
  ],
  [
    'a missing tokenizer',
    ['training.tokenizer=nowhere/tokenizer.json'],
    3,
    /training\.tokenizer "nowhere\/tokenizer\.json": .*does not exist/,
  ],
];

for (const [what, sets, exitCode, message] of cases) {
  test(`${what} is one clear line before any work starts`, async (t) => {
    const runs = `runs-${what.replace(/\W+/g, '-')}`;
    const result = await train(workspace.path, [...sets.flatMap((s) => ['--set', s]), '--run-dir', runs]);
    t.is(result.code, exitCode, result.stderr);
    t.true(isOneLineError(result.stderr), result.stderr);
    t.regex(result.stderr, message);
    t.deepEqual(await runsIn(join(workspace.path, runs)), [], 'no run directory was created');
  });
}

test('--json errors are one JSON object on stdout', async (t) => {
  const result = await train(workspace.path, ['--set', 'training.optimizer.name=lion', '--json', '--run-dir', 'runs-json']);
  t.is(result.code, 3);
  const output = JSON.parse(result.stdout);
  t.is(output.error.code, 'E_UNKNOWN_BACKEND');
});

test('a data run whose checksums no longer match is refused, naming the item', async (t) => {
  await writeCorpus(join(workspace.path, 'drifting'));
  const dataRunId = await prepareData(workspace.path, 'drifting');
  await appendFile(join(workspace.path, 'drifting', 'doc03.txt'), 'one more sentence.\n');
  const result = await train(workspace.path, ['--set', `training.data=${dataRunId}`, '--run-dir', 'runs-drift']);
  t.is(result.code, 5, result.stderr);
  t.true(isOneLineError(result.stderr), result.stderr);
  t.regex(result.stderr, new RegExp(`data run ${dataRunId}: item doc03\\.txt changed since the manifest recorded blake3:[0-9a-f]{64}`));
  t.deepEqual(await runsIn(join(workspace.path, 'runs-drift')), []);
});

test('resume refuses overrides that would change what the steps compute, and accepts a longer run', async (t) => {
  const first = await train(workspace.path, [
    '--set',
    'training.steps=2',
    '--set',
    'training.evalInterval=0',
    '--run-dir',
    'runs-resume',
    '--json',
  ]);
  t.is(first.code, 0, first.stderr);
  const refused = await train(workspace.path, ['--resume', '--run-dir', 'runs-resume', '--set', 'training.tfjs.dModel=64']);
  t.is(refused.code, 2, refused.stderr);
  t.true(isOneLineError(refused.stderr), refused.stderr);
  t.regex(refused.stderr, /--set training\.tfjs\.dModel: cannot change on resume \(the run was started with 32\)/);
  // From another working directory: the run's inputs are found by the absolute paths its snapshot recorded.
  const elsewhere = join(workspace.path, 'elsewhere');
  await mkdir(elsewhere);
  const longer = await train(elsewhere, [
    '--resume',
    'latest',
    '--run-dir',
    join(workspace.path, 'runs-resume'),
    '--set',
    'training.steps=3',
    '--json',
  ]);
  t.is(longer.code, 0, longer.stderr);
  t.is(jsonResult(longer.stdout).steps, 3);
  t.is(jsonResult(longer.stdout).resumedFrom, 2);
  const missing = await train(workspace.path, ['--resume', 'latest', '--run-dir', 'no-runs-here']);
  t.is(missing.code, 4);
  t.regex(missing.stderr, /--resume latest: no training run in no-runs-here/);
});
