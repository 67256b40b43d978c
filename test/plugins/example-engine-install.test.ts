import {execFile} from 'node:child_process';
import {cp, readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {isOneLineError, privateHome, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';
import {jsonResult, metricsOf, startTraining, train, writeCorpus} from '../training/cli_fixtures.js';
import {deterministicFields} from '../training/runner_fixtures.js';

const run = promisify(execFile);
const example = join(repoRoot, 'examples', 'codex-plugin-bigram');

/** How a user selects the third-party engine: the engine and the optimizer that serves it. */
const BIGRAM = ['--set', 'training.engine=bigram', '--set', 'training.optimizer.name=bigram-sgd'];
// Checkpoints every 3 steps and evaluations every 4: what resume and evaluate read is exercised.
const RUN = ['training.steps=12', 'training.checkpointInterval=3', 'training.evalInterval=4', 'training.keepLast=2'].flatMap((set) => [
  '--set',
  set,
]);

/** The tiny settings every command here shares: one small vocabulary, short contexts, a bigram-sized learning rate. */
const TRAIN_YAML = `training:
  model:
    contextLength: 16
  optimizer:
    learningRate: 2
  schedule:
    warmupSteps: 2
  batchSize: 4
  evalBatches: 2
  tokenizer: tok/tokenizer.json
`;

let sandbox: {path: string; cleanup: () => Promise<void>};
let env: Record<string, string>;
let reference: {runDir: string; runId: string; finalValLoss: number; metrics: Array<Record<string, unknown>>; weights: Buffer};

const codex = (...args: string[]) => runCli(args, {env, cwd: sandbox.path, timeoutMs: 240_000});

test.before(async () => {
  sandbox = await tempDir('codex-bigram-');
  env = privateHome(sandbox.path);
  // What the author does: npm pack (its prepack script compiles the plugin).
  const packed = await run('npm', ['pack', '--pack-destination', sandbox.path, '--json'], {cwd: example, env: {...process.env, ...env}});
  const [{filename}] = JSON.parse(packed.stdout) as [{filename: string}];
  // What a user does.
  const install = await codex('plugins:install', `file:${join(sandbox.path, filename)}`);
  if (install.code !== 0) throw new Error(`plugins:install failed: ${install.stderr}`);

  await writeCorpus(join(sandbox.path, 'corpus'));
  const prepared = await codex('prepare-data', '--input', 'corpus', '--json');
  if (prepared.code !== 0) throw new Error(prepared.stderr);
  const dataRunId = (JSON.parse(prepared.stdout) as {runId: string}).runId;
  const tokenizer = await codex('tokenizer:train', '--input', dataRunId, '--vocab-size', '300', '--out', 'tok', '--json');
  if (tokenizer.code !== 0) throw new Error(tokenizer.stderr);
  await writeFile(join(sandbox.path, 'train.yaml'), `${TRAIN_YAML}  data: ${dataRunId}\n`);

  const trained = await train(sandbox.path, [...BIGRAM, ...RUN, '--run-dir', 'reference', '--json'], env);
  if (trained.code !== 0) throw new Error(`codex train failed: ${trained.stderr}`);
  const output = JSON.parse(trained.stdout) as {runId: string; runDir: string; finalValLoss: number};
  reference = {
    ...output,
    metrics: await metricsOf(output.runDir),
    weights: await readFile(join(output.runDir, 'checkpoints', 'step-000000012', 'weights.bin')),
  };
});

test.after.always(async () => {
  await sandbox?.cleanup();
});

test.serial(
  'the packed engine is installed, listed, and trains through the unchanged codex train: snapshot, metrics, checkpoints, manifest',
  async (t) => {
    const backends = JSON.parse((await codex('backends', '--json')).stdout) as Record<string, Array<{name: string; plugin: string}>>;
    t.like(
      backends['training-engine']?.find((row) => row.name === 'bigram'),
      {plugin: 'codex-plugin-bigram'},
    );
    t.like(
      backends['optimizer']?.find((row) => row.name === 'bigram-sgd'),
      {plugin: 'codex-plugin-bigram'},
    );

    const snapshot = JSON.parse(await readFile(join(reference.runDir, 'config.snapshot'), 'utf8'));
    t.like(snapshot, {engine: 'bigram', backend: 'typescript', config: {training: {engine: 'bigram', optimizer: {name: 'bigram-sgd'}}}});
    t.is(snapshot.versions['codex-plugin-bigram'], '0.1.0');
    const manifest = JSON.parse(await readFile(join(reference.runDir, 'manifest.json'), 'utf8'));
    t.like(manifest, {kind: 'training', engine: 'bigram', backend: 'typescript', steps: 12});

    const train = reference.metrics.filter((line) => line['kind'] === 'train');
    const evals = reference.metrics.filter((line) => line['kind'] === 'eval');
    t.is(train.length, 12);
    t.deepEqual(
      evals.map((line) => line['step']),
      [4, 8, 12],
    );
    const [first, last] = [train[0]?.['loss'] as number, train[11]?.['loss'] as number];
    t.true(last < first - 0.1, `the bigram learns: loss ${first} → ${last}`);
    t.deepEqual(await readdir(join(reference.runDir, 'checkpoints')), ['step-000000009', 'step-000000012']);
    t.is(reference.weights.byteLength, 300 * 300 * 4, 'one float32 table of vocabulary × vocabulary');
  },
);

test.serial('killed while writing a checkpoint, the run resumes exactly: the weights and metrics of an uninterrupted run', async (t) => {
  const child = startTraining(sandbox.path, [...BIGRAM, ...RUN, '--run-dir', 'killed'], {...env, CODEX_TEST_HOLD_CHECKPOINT: '9'});
  await child.waitForStderr('holding checkpoint step-000000009');
  child.child.kill('SIGKILL');
  t.is((await child.exited).signal, 'SIGKILL');

  const resumed = await train(sandbox.path, ['--resume', 'latest', '--run-dir', 'killed', '--json'], env);
  t.is(resumed.code, 0, resumed.stderr);
  const output = jsonResult(resumed.stdout);
  t.is(output.resumedFrom, 6);
  t.is(output.steps, 12);
  t.deepEqual(deterministicFields(await metricsOf(output.runDir)), deterministicFields(reference.metrics));
  t.true(
    (await readFile(join(output.runDir, 'checkpoints', 'step-000000012', 'weights.bin'))).equals(reference.weights),
    'final weights bitwise equal',
  );
});

test.serial('codex evaluate scores the run with the engine it was trained with, without an optimizer', async (t) => {
  // The training run's validation windows: the same batches its last evaluation scored.
  const evaluated = await codex(
    'evaluate',
    reference.runDir,
    '--split',
    'validation',
    '--set',
    'evaluation.batchSize=4',
    '--set',
    'evaluation.maxBatches=2',
    '--json',
  );
  t.is(evaluated.code, 0, evaluated.stderr + evaluated.stdout);
  const result = JSON.parse(evaluated.stdout) as {loss: number; perplexity: number; step: number; trainingRunId: string};
  t.like(result, {step: 12, trainingRunId: reference.runId});
  t.is(result.loss, reference.finalValLoss);
  t.is(result.perplexity, Math.exp(result.loss));
});

test.serial('an optimizer of the other engine is refused by name before any work, either way round', async (t) => {
  const adamw = await train(
    sandbox.path,
    ['--set', 'training.engine=bigram', '--set', 'training.optimizer.name=adamw', '--run-dir', 'refused'],
    env,
  );
  t.is(adamw.code, 3);
  t.true(isOneLineError(adamw.stderr), adamw.stderr);
  t.regex(
    adamw.stderr,
    /^Error: training\.optimizer\.name \(from --set\): optimizer "adamw" serves the tfjs engine, not bigram \(training\.engine, from --set\) — set training\.optimizer\.name to an optimizer of bigram: bigram-sgd$/m,
  );
  const sgd = await train(sandbox.path, ['--set', 'training.optimizer.name=bigram-sgd', '--run-dir', 'refused'], env);
  t.is(sgd.code, 3);
  t.regex(sgd.stderr, /optimizer "bigram-sgd" serves the bigram engine, not tfjs .* an optimizer of tfjs: adam, adamw, momentum, sgd$/m);
  t.false((await readdir(sandbox.path)).includes('refused'), 'no run directory was created');
});

test.serial('codex pipeline drives the third-party engine through every stage, then reuses them all', async (t) => {
  const sets = [
    'data.input=corpus',
    'data.splitter=seeded',
    'tokenizer.vocabSize=300',
    'training.engine=bigram',
    'training.optimizer.name=bigram-sgd',
    'training.optimizer.learningRate=2',
    'training.model.contextLength=16',
    'training.batchSize=4',
    'training.steps=6',
    'training.evalInterval=3',
    'training.evalBatches=1',
    'training.checkpointInterval=3',
    'training.schedule.warmupSteps=1',
    'evaluation.batchSize=4',
    'evaluation.maxBatches=2',
  ].flatMap((set) => ['--set', set]);
  const pipeline = () => codex('pipeline', '--config', join(repoRoot, 'configs', 'pipeline.yaml'), ...sets, '--json');
  const first = await pipeline();
  t.is(first.code, 0, first.stderr + first.stdout);
  const result = JSON.parse(first.stdout) as {stages: Array<{stage: string; cached: boolean}>; trainingRunId: string; report: string};
  // Data and tokenizer are the ones the other tests made (same input, same settings): their own caches reuse them.
  t.deepEqual(
    result.stages.filter((stage) => stage.stage === 'train' || stage.stage === 'evaluate').map((stage) => stage.cached),
    [false, false],
  );
  // The report of an engine without generation: written, without samples, and saying why.
  t.true((await readFile(result.report, 'utf8')).length > 1000);
  t.regex(first.stderr, /the report shows no samples: training engine "bigram" cannot generate text/);
  const manifest = JSON.parse(await readFile(join(sandbox.path, 'runs', result.trainingRunId, 'manifest.json'), 'utf8'));
  t.like(manifest, {engine: 'bigram', steps: 6});
  const again = await pipeline();
  t.is(again.code, 0, again.stderr);
  t.deepEqual(
    (JSON.parse(again.stdout) as typeof result).stages.filter((stage) => stage.stage !== 'report').map((stage) => stage.cached),
    [true, true, true, true],
  );
});

test.serial('codex evaluate refuses a run without an intact checkpoint and a changed tokenizer, in one line each', async (t) => {
  const broken = join(sandbox.path, 'broken', reference.runId);
  await cp(reference.runDir, broken, {recursive: true});
  for (const step of ['step-000000009', 'step-000000012']) {
    const weights = join(broken, 'checkpoints', step, 'weights.bin');
    const bytes = await readFile(weights);
    bytes[0] = (bytes[0] as number) ^ 0x01;
    await writeFile(weights, bytes);
  }
  const none = await codex('evaluate', broken, '--split', 'validation');
  t.is(none.code, 5);
  t.regex(none.stderr, /warning: checkpoint step-000000012 is unusable \(.*checksum.*\); using the previous one/);
  t.regex(none.stderr, new RegExp(`^Error: training run ${reference.runId} has no intact checkpoint — `, 'm'));
  t.true(isOneLineError(none.stderr));

  const tokenizer = join(sandbox.path, 'tok', 'tokenizer.json');
  const original = await readFile(tokenizer);
  await writeFile(tokenizer, Buffer.concat([original, Buffer.from('\n')]));
  t.teardown(() => writeFile(tokenizer, original));
  const drifted = await codex('evaluate', reference.runDir, '--split', 'validation');
  t.is(drifted.code, 5);
  t.regex(
    drifted.stderr,
    /^Error: .*tokenizer\.json changed since training run \w+ used it \(expected .*, found .*\) — restore the tokenizer/m,
  );
});

test.serial('uninstalled, the engine is gone: its runs cannot be evaluated, in one line naming the run and the engine', async (t) => {
  const uninstall = await codex('plugins:uninstall', 'codex-plugin-bigram');
  t.is(uninstall.code, 0, uninstall.stderr);
  const evaluated = await codex('evaluate', reference.runDir, '--split', 'validation');
  t.is(evaluated.code, 3);
  t.true(isOneLineError(evaluated.stderr), evaluated.stderr);
  t.regex(
    evaluated.stderr,
    new RegExp(
      `^Error: training\\.engine of training run ${reference.runId} \\(its config\\.snapshot\\): unknown training-engine backend "bigram"; registered: tfjs — `,
      'm',
    ),
  );
});
