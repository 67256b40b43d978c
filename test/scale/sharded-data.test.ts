import {readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {type PrepareJson, runJson, sampleFiles, writeTree} from '../data/data-fixtures.js';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';

/** A manifest without what differs between any two runs: its run id, time and the seal over them. */
async function comparable(manifestPath: string): Promise<Record<string, unknown>> {
  const {runId: _runId, createdAt: _createdAt, integrity: _integrity, ...rest} = JSON.parse(await readFile(manifestPath, 'utf8'));
  return rest;
}

async function runFiles(runDir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of ['checksums.txt', 'splits/train.txt', 'splits/validation.txt', 'splits/test.txt']) {
    files[name] = await readFile(join(runDir, name), 'utf8');
  }
  return files;
}

async function setUp(t: {teardown(fn: () => Promise<void>): void}) {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const files = sampleFiles(90);
  await writeTree(join(dir.path, 'corpus'), files);
  // Labels make the stratified splitter's membership depend on every shard's items at once.
  await writeFile(join(dir.path, 'labels.txt'), files.map(([id], i) => `${id} ${['news', 'fiction'][i % 2]}\n`).join(''));
  return dir.path;
}

const shardArgs = (index: number, count: number, out: string, ...more: string[]) => [
  'prepare-data',
  '--input',
  'corpus',
  '--splitter',
  'stratified',
  '--labels',
  'labels.txt',
  '--shard',
  `${index}/${count}`,
  '--out',
  out,
  ...more,
];

test('a directory prepared in 3 shards and merged equals the single-machine run: dataset id, checksums, membership, manifest', async (t) => {
  const cwd = await setUp(t);
  const shards = [];
  for (const index of [2, 0, 1]) {
    const {json, result} = await runJson<{items: number; datasetItems: number; shard: string; partial: string}>(
      shardArgs(index, 3, `part-${index}.json`),
      cwd,
    );
    t.is(result.code, 0, result.stderr);
    t.is(json.datasetItems, 90);
    shards.push(json);
  }
  t.is(
    shards.reduce((sum, shard) => sum + shard.items, 0),
    90,
  );
  t.true(
    shards.every((shard) => shard.items > 10),
    'each shard holds a share of the items',
  );
  const merged = await runJson<PrepareJson>(['data:merge', 'part-1.json', 'part-2.json', 'part-0.json'], cwd);
  t.is(merged.result.code, 0, merged.result.stderr);
  const single = await runJson<PrepareJson>(
    ['prepare-data', '--input', 'corpus', '--splitter', 'stratified', '--labels', 'labels.txt', '--set', 'runs.dir=single-runs'],
    cwd,
  );
  t.is(single.result.code, 0, single.result.stderr);
  const {runId: mergedRun, manifest: mergedManifest, runDir: mergedDir, ...mergedRest} = merged.json;
  const {runId: singleRun, manifest: singleManifest, runDir: singleDir, ...singleRest} = single.json;
  t.not(mergedRun, singleRun);
  t.deepEqual(mergedRest, {...singleRest, cachedItems: 0});
  t.deepEqual(await comparable(mergedManifest), await comparable(singleManifest));
  t.deepEqual(await runFiles(mergedDir), await runFiles(singleDir));
  const verified = await runJson<{ok: boolean}>(['data:verify', mergedRun], cwd);
  t.true(verified.json.ok, verified.result.stderr);
  // A second merge is a cache hit on the recorded run, as a second prepare-data is; people get the same summary.
  const again = await runCli(['data:merge', 'part-0.json', 'part-1.json', 'part-2.json'], {cwd});
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, new RegExp(`cache hit: run ${mergedRun} has the same dataset`));
  t.regex(again.stdout, /90 items, .* splitter stratified, seed 42/);
  t.regex(again.stdout, /^train\s+\d+/m);
  t.regex(again.stdout, /^label\s+train\s+validation\s+test$/m);
  t.regex(again.stdout, /^fiction\s+\d+/m);
  t.regex(again.stdout, new RegExp(`manifest .*${mergedRun}`));
});

test('prepare-data with executor.shards=3 on local worker processes records the single-machine run', async (t) => {
  const cwd = await setUp(t);
  const args = ['prepare-data', '--input', 'corpus', '--splitter', 'stratified', '--labels', 'labels.txt'];
  const sharded = await runJson<PrepareJson>([...args, '--set', 'executor.shards=3', '--set', 'executor.processes=2'], cwd);
  t.is(sharded.result.code, 0, sharded.result.stderr);
  const single = await runJson<PrepareJson>([...args, '--set', 'runs.dir=single-runs'], cwd);
  t.is(sharded.json.datasetId, single.json.datasetId);
  t.deepEqual(await comparable(sharded.json.manifest), await comparable(single.json.manifest));
  const partials = await readdir(join(cwd, '.codex', 'cache', 'shards'));
  t.is(partials.filter((name) => /^data\.checksum-shard-[0-9a-f]{32}-\dof3\.json$/.test(name)).length, 3);
  // A shard that cannot be done fails the command with that shard's error after its attempts, in one line.
  const failing = await runCli([...args, '--set', 'executor.shards=2', '--groups', 'missing-groups.txt'], {cwd});
  t.is(failing.code, 4, failing.stderr);
  t.true(isOneLineError(failing.stderr), failing.stderr);
  t.regex(failing.stderr, /shard \d\/2 \(data\.checksum-shard\) failed 3 times: .*missing-groups\.txt/);
});

test('a .jsonl dataset merged from 2 shards equals the single run, items listed in items.jsonl', async (t) => {
  const cwd = (await tempDir()).path;
  const lines = Array.from({length: 120}, (_, i) =>
    JSON.stringify({id: `r${i}`, text: `record ${i} ${'é'.repeat(i % 5)}`, label: i % 3 ? 'a' : 'b'}),
  );
  await writeFile(join(cwd, 'data.jsonl'), `${lines.join('\n')}\n`);
  const base = ['--input', 'data.jsonl', '--seed', '9', '--set', 'data.inlineItems=50'];
  for (const index of [0, 1]) {
    const {result} = await runJson(['prepare-data', ...base, '--shard', `${index}/2`, '--out', `p${index}.json`], cwd);
    t.is(result.code, 0, result.stderr);
  }
  const merged = await runJson<PrepareJson>(['data:merge', 'p0.json', 'p1.json'], cwd);
  const single = await runJson<PrepareJson>(['prepare-data', ...base, '--set', 'runs.dir=other'], cwd);
  t.is(merged.json.datasetId, single.json.datasetId);
  t.deepEqual(await comparable(merged.json.manifest), await comparable(single.json.manifest));
  t.is(await readFile(join(merged.json.runDir, 'items.jsonl'), 'utf8'), await readFile(join(single.json.runDir, 'items.jsonl'), 'utf8'));
});

test('data:merge refuses overlapping, missing, foreign and damaged partials in one line and writes nothing', async (t) => {
  const cwd = await setUp(t);
  for (const index of [0, 1, 2]) t.is((await runCli(shardArgs(index, 3, `part-${index}.json`), {cwd})).code, 0);
  t.is((await runCli(shardArgs(1, 3, 'seed-7.json', '--seed', '7'), {cwd})).code, 0);
  t.is((await runCli(shardArgs(1, 3, 'ratios.json', '--ratios', '0.5,0.25,0.25'), {cwd})).code, 0);
  t.is((await runCli(shardArgs(1, 2, 'halves.json'), {cwd})).code, 0);
  const damaged = JSON.parse(await readFile(join(cwd, 'part-2.json'), 'utf8'));
  damaged.items[0].checksum = damaged.items[1].checksum;
  await writeFile(join(cwd, 'damaged.json'), JSON.stringify(damaged));
  await writeFile(join(cwd, 'corpus/a/doc-0000.txt'), 'changed\n');
  t.is((await runCli(shardArgs(1, 3, 'changed.json'), {cwd})).code, 0);

  const cases: Array<[string[], RegExp]> = [
    [['part-0.json', 'part-1.json', 'part-1.json', 'part-2.json'], /part-1\.json and part-1\.json both hold shard 1\/3 \(overlapping/],
    [['part-0.json', 'part-2.json'], /shard 1\/3 missing \(2 of 3 partials given\)/],
    [['part-0.json', 'seed-7.json', 'part-2.json'], /seed-7\.json belongs to another prepare-data than part-0\.json: seed 7, not 42/],
    [['part-0.json', 'ratios.json', 'part-2.json'], /ratios\.json belongs to another prepare-data .*other splits or ratios/],
    [['part-0.json', 'changed.json', 'part-2.json'], /changed\.json belongs to another prepare-data .*another input/],
    [['part-0.json', 'halves.json', 'part-2.json'], /halves\.json is shard 1\/2, but part-0\.json is shard 0\/3/],
    [['part-0.json', 'part-1.json', 'damaged.json'], /damaged\.json does not match its content address/],
  ];
  for (const [partials, message] of cases) {
    const result = await runCli(['data:merge', ...partials], {cwd});
    t.is(result.code, 4, result.stderr);
    t.true(isOneLineError(result.stderr), result.stderr);
    t.regex(result.stderr, message);
  }
  const entries = await readdir(cwd);
  t.false(entries.includes('runs'), 'a refused merge created a run');
  t.false(
    entries.some((name) => name.includes('.tmp')),
    'a partial write left a temp file',
  );
  const usage = await runCli(['prepare-data', '--shard', '3/3', '--out', 'x.json'], {cwd});
  t.is(usage.code, 2);
  t.regex(usage.stderr, /--shard "3\/3" is not a shard i\/n with 0 <= i < n/);
});
