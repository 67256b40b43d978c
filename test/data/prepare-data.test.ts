import {execFileSync} from 'node:child_process';
import {readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {isRunId} from '@codex-ml/core';
import test from 'ava';
import {Ajv} from 'ajv';
import {DATA_MANIFEST_SCHEMA} from '../../src/services/data/data-manifest-schema.js';
import {DataManifestReader} from '../../src/services/data/data-manifest-reader.js';
import {isOneLineError, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';
import {type PrepareJson, membershipOf, runJson, sampleFiles, writeTree} from './data-fixtures.js';

const schemaFile = join(repoRoot, 'docs', 'data', 'manifest.schema.json');

test('docs/data/manifest.schema.json is the schema the reader enforces', async (t) => {
  const documented: unknown = JSON.parse(await readFile(schemaFile, 'utf8'));
  t.deepEqual(
    documented,
    JSON.parse(JSON.stringify(DATA_MANIFEST_SCHEMA)),
    'regenerate docs/data/manifest.schema.json from DATA_MANIFEST_SCHEMA',
  );
});

test('prepare-data with no input splits the embedded Brown corpus and writes a manifest that validates', async (t) => {
  const dir = await tempDir();
  try {
    const {json, result} = await runJson<PrepareJson>(['prepare-data'], dir.path);
    t.is(result.code, 0, result.stderr);
    t.true(isRunId(json.runId));
    t.is(json.manifest, join(dir.path, 'runs', json.runId, 'manifest.json'));
    t.regex(json.datasetId, /^blake3:[0-9a-f]{64}$/);
    t.deepEqual(json.counts, {train: 400, validation: 50, test: 50});
    t.is(json.itemCount, 500);

    const manifest: unknown = JSON.parse(await readFile(json.manifest, 'utf8'));
    const validate = new Ajv({strict: true, strictRequired: false, allowUnionTypes: true}).compile(
      JSON.parse(await readFile(schemaFile, 'utf8')),
    );
    t.true(validate(manifest), JSON.stringify(validate.errors));

    // The reader API other commands use: splits, item files, texts with the Brown tags stripped.
    const data = await DataManifestReader.open(json.runId, {runsDir: join(dir.path, 'runs')});
    const train = await data.split('train');
    t.is(train.length, 400);
    t.true(train.every((item) => typeof item.label === 'string'));
    const listed = (await readFile(join(json.runDir, 'splits', 'train.txt'), 'utf8')).trimEnd().split('\n');
    t.deepEqual(
      listed,
      train.map((item) => item.id),
    );
    const first = train[0];
    if (!first) throw new Error('empty train split');
    // Item checksums are plain BLAKE3 of the file: the native b3sum agrees.
    const path = data.itemPath(first) as string;
    t.is(first.checksum, `blake3:${execFileSync('b3sum', ['--no-names', path], {encoding: 'utf8'}).trim()}`);
    for await (const {id, text} of data.texts('test')) {
      t.truthy(id);
      t.false(/\S\/[a-z.,]+(\s|$)/.test(text.slice(0, 2000)), 'tags were stripped');
      break;
    }
    const raw = data.texts('test', {stripTags: false});
    t.regex((await raw.next()).value?.text ?? '', /\/at /);
    const checksums = (await readFile(join(json.runDir, 'checksums.txt'), 'utf8')).trimEnd().split('\n');
    t.is(checksums.length, 500);
    await t.throwsAsync(data.split('dev'), {message: /has no split "dev"; it has train, validation, test/});
  } finally {
    await dir.cleanup();
  }
});

test('same seed ⇒ same membership and dataset id whatever the listing order; another seed ⇒ another partition', async (t) => {
  const dir = await tempDir();
  try {
    const files = sampleFiles(60);
    await writeTree(join(dir.path, 'forward'), files);
    await writeTree(join(dir.path, 'backward'), [...files].reverse());
    const run = (input: string, seed: number) => runJson<PrepareJson>(['prepare-data', '--input', input, '--seed', String(seed)], dir.path);
    const [a, b, c] = await Promise.all([run('forward', 7), run('backward', 7), run('forward', 8)]);
    for (const {result} of [a, b, c]) t.is(result.code, 0, result.stderr);
    t.is(a.json.datasetId, b.json.datasetId);
    t.deepEqual([...(await membershipOf(a.json.manifest))], [...(await membershipOf(b.json.manifest))]);
    t.notDeepEqual([...(await membershipOf(a.json.manifest))], [...(await membershipOf(c.json.manifest))]);
    t.deepEqual(a.json.counts, {train: 48, validation: 6, test: 6});
  } finally {
    await dir.cleanup();
  }
});

test('jsonl: records in any order give the same split; stratified keeps label shares; grouped keeps groups together', async (t) => {
  const dir = await tempDir();
  try {
    const records = Array.from({length: 90}, (_, i) => ({
      id: `r${i}`,
      text: `sentence ${i}`,
      label: ['pos', 'neg', 'neutral'][i % 3],
      group: `author-${i % 12}`,
    }));
    await writeFile(join(dir.path, 'a.jsonl'), records.map((record) => JSON.stringify(record)).join('\n'));
    await writeFile(
      join(dir.path, 'b.jsonl'),
      `${[...records]
        .reverse()
        .map((record) => JSON.stringify(record))
        .join('\r\n')}\r\n`,
    );
    const [a, b, grouped] = await Promise.all([
      runJson<PrepareJson>(['prepare-data', '--input', 'a.jsonl', '--splitter', 'stratified'], dir.path),
      runJson<PrepareJson>(['prepare-data', '--input', 'b.jsonl', '--splitter', 'stratified'], dir.path),
      runJson<PrepareJson>(
        ['prepare-data', '--input', 'a.jsonl', '--splitter', 'grouped', '--ratios', '0.75,0.25', '--splits', 'train,test'],
        dir.path,
      ),
    ]);
    t.is(a.result.code, 0, a.result.stderr);
    t.deepEqual([...(await membershipOf(a.json.manifest))], [...(await membershipOf(b.json.manifest))]);
    t.deepEqual(
      a.json.splits.map((split) => split.labels),
      [
        {neg: 24, neutral: 24, pos: 24},
        {neg: 3, neutral: 3, pos: 3},
        {neg: 3, neutral: 3, pos: 3},
      ],
    );
    t.is(grouped.result.code, 0, grouped.result.stderr);
    const membership = await membershipOf(grouped.json.manifest);
    const splitOfGroup = new Map<string, Set<string>>();
    for (const record of records) {
      const splits = splitOfGroup.get(record.group) ?? new Set();
      splits.add(membership.get(record.id) as string);
      splitOfGroup.set(record.group, splits);
    }
    t.true([...splitOfGroup.values()].every((splits) => splits.size === 1));
    t.deepEqual(grouped.json.counts, {train: 68, test: 22});
  } finally {
    await dir.cleanup();
  }
});

test('txt: one item per non-blank line with position-and-content ids; labels from a mapping file', async (t) => {
  const dir = await tempDir();
  try {
    await writeFile(join(dir.path, 'lines.txt'), 'alpha\n\nbeta\nalpha\ngamma\ndelta\n');
    const first = await runJson<PrepareJson>(['prepare-data', '--input', 'lines.txt', '--ratios', '0.5,0.5', '--splits', 'a,b'], dir.path);
    t.is(first.result.code, 0, first.result.stderr);
    const ids = [...(await membershipOf(first.json.manifest)).keys()];
    t.is(ids.length, 5);
    t.true(ids.includes('L1-8ed3f6ad685b') && ids.includes('L4-8ed3f6ad685b'), ids.join(','));
    await writeFile(join(dir.path, 'labels.txt'), ids.map((id, i) => `${id} ${i % 2 ? 'odd' : 'even'}`).join('\n'));
    const labelled = await runJson<PrepareJson>(
      [
        'prepare-data',
        '--input',
        'lines.txt',
        '--labels',
        'labels.txt',
        '--splitter',
        'stratified',
        '--ratios',
        '0.6,0.4',
        '--splits',
        'a,b',
      ],
      dir.path,
    );
    t.is(labelled.result.code, 0, labelled.result.stderr);
    t.deepEqual(
      labelled.json.splits.map((split) => split.labels),
      [
        {even: 2, odd: 1},
        {even: 1, odd: 1},
      ],
    );
  } finally {
    await dir.cleanup();
  }
});

test('bad input fails with one line, a specific exit code, and leaves no run behind', async (t) => {
  const dir = await tempDir();
  try {
    await writeTree(join(dir.path, 'two'), [
      ['x.txt', 'x'],
      ['y.txt', 'y'],
    ]);
    await writeTree(join(dir.path, 'empty'), [['.hidden', 'ignored']]);
    await writeFile(join(dir.path, 'escape.jsonl'), `${JSON.stringify({id: '../etc/passwd', text: 'no'})}\n`);
    const cases: ReadonlyArray<[string[], number, RegExp]> = [
      [['--input', 'two', '--ratios', '0.8,0.1'], 3, /data\.splits names 3 splits/],
      [['--input', 'two', '--ratios', '0.5,0.3', '--splits', 'a,b'], 3, /sum to 0\.8, not 1/],
      [['--input', 'two', '--ratios', '-0.2,1.2', '--splits', 'a,b'], 3, /ratio of split "a" is -0\.2/],
      [['--input', 'two'], 4, /3 splits requested for 2 items/],
      [['--input', 'empty'], 4, /holds no items/],
      [['--input', 'escape.jsonl'], 4, /escape\.jsonl:1: item id "\.\.\/etc\/passwd" escapes the dataset root/],
      [
        ['--input', 'two', '--splitter', 'random'],
        3,
        /unknown splitter backend "random"; registered: grouped, hash-bucket, seeded, stratified/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(['prepare-data', ...args], {cwd: dir.path})));
    results.forEach((result, i) => {
      const [args, code, message] = cases[i] as [string[], number, RegExp];
      t.is(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      t.regex(result.stderr, message, args.join(' '));
      t.true(isOneLineError(result.stderr), result.stderr);
    });
    const runs = await readdir(join(dir.path, 'runs')).catch(() => []);
    t.deepEqual(runs, [], 'failed runs leave no directory');
  } finally {
    await dir.cleanup();
  }
});
