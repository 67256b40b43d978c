import {mkdir, readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

interface PipelineJson {
  readonly stages: ReadonlyArray<{stage: string; index: number; total: number; cached: boolean; metrics: Record<string, number>}>;
  readonly dataRunId: string;
  readonly tokenizerRunId: string;
  readonly trainingRunId: string;
}

// Only the training stage is shrunk: data and tokenizer come from the packaged configs/pipeline.yaml.
const tinyTraining = [
  'training.tfjs.layers=1',
  'training.tfjs.dModel=32',
  'training.tfjs.heads=2',
  'training.model.contextLength=16',
  'training.batchSize=2',
  'training.steps=2',
  'training.evalInterval=2',
  'training.evalBatches=1',
  'training.checkpointInterval=2',
  'evaluation.batchSize=2',
  'evaluation.maxBatches=1',
  'pipeline.report=false',
].flatMap((set) => ['--set', set]);

async function pipelineIn(cwd: string, state: string, extra: readonly string[] = []): Promise<PipelineJson> {
  // runs and caches go to `state` (a temp directory), so running in the checkout leaves nothing in it.
  const where = ['--set', `runs.dir=${join(state, 'runs')}`, '--set', `cache.dir=${join(state, 'cache')}`];
  const result = await runCli(['pipeline', '--json', ...where, ...tinyTraining, ...extra], {cwd, timeoutMs: 300_000});
  if (result.code !== 0) throw new Error(`pipeline in ${cwd} failed (${result.code}): ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout) as PipelineJson;
}

async function splitLists(state: string, runId: string): Promise<Record<string, string>> {
  const directory = join(state, 'runs', runId, 'splits');
  const lists: Record<string, string> = {};
  for (const name of (await readdir(directory)).sort()) lists[name] = await readFile(join(directory, name), 'utf8');
  return lists;
}

test('codex pipeline in an empty directory, and with its stages sharded, does what it does in the checkout: same split membership, same tokenizer', async (t) => {
  const dir = await tempDir('codex-anywhere-');
  t.teardown(dir.cleanup);
  const empty = join(dir.path, 'empty');
  await mkdir(empty);
  const [checkout, anywhere] = [join(dir.path, 'state-checkout'), join(dir.path, 'state-empty')];
  const inCheckout = await pipelineIn(repoRoot, checkout);
  const inEmpty = await pipelineIn(empty, anywhere);
  t.deepEqual(await readdir(empty), [], 'nothing written into the working directory');

  t.deepEqual(
    inEmpty.stages.map(({stage, index, total}) => [stage, index, total]),
    inCheckout.stages.map(({stage, index, total}) => [stage, index, total]),
  );
  const manifest = async (state: string, runId: string) =>
    JSON.parse(await readFile(join(state, 'runs', runId, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  const [dataA, dataB] = [await manifest(checkout, inCheckout.dataRunId), await manifest(anywhere, inEmpty.dataRunId)];
  t.like(dataB, {datasetId: dataA['datasetId'], splitter: {name: 'stratified'}});
  t.deepEqual(await splitLists(anywhere, inEmpty.dataRunId), await splitLists(checkout, inCheckout.dataRunId));
  const [tokA, tokB] = [await manifest(checkout, inCheckout.tokenizerRunId), await manifest(anywhere, inEmpty.tokenizerRunId)];
  t.is(tokB['artifactChecksum'], tokA['artifactChecksum']);
  t.is(inEmpty.stages.find((stage) => stage.stage === 'tokenizer')?.metrics['vocabSize'], 2048);
  t.deepEqual(
    await readFile(join(anywhere, 'runs', inEmpty.tokenizerRunId, 'tokenizer.json'), 'utf8'),
    await readFile(join(checkout, 'runs', inCheckout.tokenizerRunId, 'tokenizer.json'), 'utf8'),
  );

  // codex train with no data run trains on the same data and tokenizer, reusing the pipeline's stages.
  const where = ['--set', `runs.dir=${join(anywhere, 'runs')}`, '--set', `cache.dir=${join(anywhere, 'cache')}`];
  const trained = await runCli(['train', '--json', ...where, ...tinyTraining], {cwd: empty, timeoutMs: 300_000});
  t.is(trained.code, 0, trained.stderr);
  const run = JSON.parse(trained.stdout) as {runId: string};
  t.deepEqual((await manifest(anywhere, run.runId))['parents'], [inEmpty.dataRunId, inEmpty.tokenizerRunId].sort());

  // The same pipeline with its data and tokenizer stages sharded over 3 local worker processes: the same runs.
  const sharded = join(dir.path, 'state-sharded');
  const inShards = await pipelineIn(empty, sharded, ['--set', 'executor.shards=3']);
  t.true((await readdir(join(sharded, 'cache', 'shards'))).length > 0, 'the stages ran as shard jobs');
  t.like(await manifest(sharded, inShards.dataRunId), {datasetId: dataA['datasetId']});
  t.deepEqual(await splitLists(sharded, inShards.dataRunId), await splitLists(checkout, inCheckout.dataRunId));
  t.deepEqual(
    await readFile(join(sharded, 'runs', inShards.tokenizerRunId, 'tokenizer.json'), 'utf8'),
    await readFile(join(checkout, 'runs', inCheckout.tokenizerRunId, 'tokenizer.json'), 'utf8'),
  );
});
