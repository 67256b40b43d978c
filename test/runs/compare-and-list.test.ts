import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {sinceTime} from '../../src/services/runs/run-listing.js';
import {runCli, tempDir} from '../helpers/run-cli.js';
import {SyntheticRuns, openStore} from './synthetic-runs.js';

interface ListJson {
  readonly runs: ReadonlyArray<{runId: string; kind: string; name: string | null; tags: string[]; metrics: Record<string, number>}>;
}

test('--name and --tag are recorded in the manifest; runs:list filters by tag, kind and age and shows a table', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  await mkdir(join(dir.path, 'corpus'));
  await writeFile(join(dir.path, 'corpus', 'a.txt'), 'alpha beta\n');
  await writeFile(join(dir.path, 'corpus', 'b.txt'), 'gamma delta\n');
  const labelled = await runCli(
    [
      'prepare-data',
      '--input',
      'corpus',
      '--format',
      'directory',
      '--ratios',
      '0.5,0.5',
      '--splits',
      'train,test',
      '--name',
      'first',
      '--tag',
      'exp',
      '--tag',
      'a',
      '--json',
    ],
    {cwd: dir.path},
  );
  t.is(labelled.code, 0, labelled.stderr);
  const {runId, manifest} = JSON.parse(labelled.stdout) as {runId: string; manifest: string};
  t.like(JSON.parse(await readFile(manifest, 'utf8')), {name: 'first', tags: ['a', 'exp']});
  const plain = await runCli(
    [
      'prepare-data',
      '--input',
      'corpus',
      '--format',
      'directory',
      '--ratios',
      '0.5,0.5',
      '--splits',
      'train,test',
      '--seed',
      '9',
      '--json',
    ],
    {
      cwd: dir.path,
    },
  );
  t.is(plain.code, 0, plain.stderr);
  const plainId = (JSON.parse(plain.stdout) as {runId: string}).runId;

  const list = async (...args: string[]) =>
    JSON.parse((await runCli(['runs:list', '--json', ...args], {cwd: dir.path})).stdout) as ListJson;
  t.deepEqual(
    (await list()).runs.map((run) => [run.runId, run.name, run.tags, run.metrics['items']]),
    [
      [runId, 'first', ['a', 'exp'], 2],
      [plainId, null, [], 2],
    ],
  );
  t.deepEqual(
    (await list('--tag', 'exp')).runs.map((run) => run.runId),
    [runId],
  );
  t.deepEqual(
    (await list('--since', '1h', '--kind', 'data', '--limit', '1', '--newest')).runs.map((run) => run.runId),
    [plainId],
  );
  t.deepEqual((await list('--since', '2999-01-01')).runs, []);
  const bad = await runCli(['runs:list', '--since', 'yesterday'], {cwd: dir.path});
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--since "yesterday" is neither a date nor a span/);

  const table = (await runCli(['runs:list'], {cwd: dir.path})).stdout.trimEnd().split('\n');
  t.regex(table[0] ?? '', /^RUN +KIND +NAME +CREATED +PARENTS +TAGS +METRICS$/);
  t.regex(table[1] ?? '', new RegExp(`^${runId.slice(0, 10)}\\w* +data +first +\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} +- +a,exp +2 items$`));
  t.true(
    table.every((line) => line.length < 120),
    'rows fit a terminal',
  );
});

test('every command that takes a run accepts a unique prefix of its id and latest; an ambiguous prefix says so', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const store = openStore('fs', runsDir);
  const synthetic = new SyntheticRuns(runsDir, store);
  const {data, training} = await synthetic.pipeline(20, 5);
  await store.close();
  const show = async (reference: string) => runCli(['runs:show', reference, '--json'], {cwd: dir.path});
  t.is((JSON.parse((await show(training.runId.slice(0, 16).toLowerCase())).stdout) as {runId: string}).runId, training.runId);
  t.is((JSON.parse((await show('latest')).stdout) as {runId: string}).runId, training.runId);
  t.is((await runCli(['runs:verify', data.runId.slice(0, 20)], {cwd: dir.path})).code, 0);
  const ambiguous = await show(data.runId.slice(0, 4));
  t.is(ambiguous.code, 2);
  t.regex(ambiguous.stdout, /E_RUN_AMBIGUOUS/);
  const none = await runCli(['runs:show', '7ZZZZZ'], {cwd: dir.path});
  t.is(none.code, 4);
  t.regex(none.stderr, /no run in runs has an id starting with 7ZZZZZ/);
  const children = JSON.parse(
    (await runCli(['runs:list', '--parent', data.runId.slice(0, 18), '--json'], {cwd: dir.path})).stdout,
  ) as ListJson;
  t.true(children.runs.some((run) => run.runId === training.runId));
});

test('runs:compare shows the config that differs and the figures of each run, and overlays their curves in HTML', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const store = openStore('fs', runsDir);
  const synthetic = new SyntheticRuns(runsDir, store);
  const first = await synthetic.pipeline(20, 5);
  const second = await synthetic.pipeline(30, 10);
  await store.close();
  const result = await runCli(['runs:compare', first.training.runId, second.training.runId, '--out', 'compare.html', '--json'], {
    cwd: dir.path,
  });
  t.is(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as {
    runs: Array<{runId: string}>;
    config: Array<{key: string; values: unknown[]}>;
    sameConfig: number;
    metrics: Array<{key: string; values: unknown[]}>;
  };
  t.deepEqual(
    json.runs.map((run) => run.runId),
    [first.training.runId, second.training.runId],
  );
  t.deepEqual(json.config, [{key: 'training.steps', values: [20, 30]}]);
  t.is(json.sameConfig, 2);
  t.deepEqual(json.metrics.find((row) => row.key === 'steps')?.values, [20, 30]);
  t.is(typeof json.metrics.find((row) => row.key === 'bestValLoss')?.values[0], 'number');
  const html = await readFile(join(dir.path, 'compare.html'), 'utf8');
  t.is(html.match(/<polyline[^>]*data-series="/g)?.length, 4, 'train and val curves of both runs');
  for (const run of json.runs) t.true(html.includes(run.runId));

  const text = await runCli(['runs:compare', first.training.runId.slice(0, 20), 'latest'], {cwd: dir.path});
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /^training\.steps +20 +30$/m);
  t.regex(text.stdout, /^finalLoss +1\.5 +1\.5$/m);
  const one = await runCli(['runs:compare', first.training.runId], {cwd: dir.path});
  t.is(one.code, 2);
  t.regex(one.stderr, /needs at least two runs/);
});

test('--since reads dates and spans', (t) => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  t.is(sinceTime('2h', now), now - 2 * 3600_000);
  t.is(sinceTime('7d', now), now - 7 * 86_400_000);
  t.is(sinceTime('2026-11-30', now), Date.parse('2026-11-30'));
  t.is(sinceTime('soon', now), undefined);
});
