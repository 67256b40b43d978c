import {readFile, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {manifestIntegrity} from '../../src/services/data/manifest-integrity.js';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {type PrepareJson, type VerifyJson, runJson, sampleFiles, writeTree} from './data-fixtures.js';

const settle = () => new Promise((done) => setTimeout(done, 150));

test('data:verify: a clean run passes from the stat cache; a one-byte change, a deleted and an added file are each reported', async (t) => {
  const dir = await tempDir();
  try {
    const root = join(dir.path, 'data');
    const files = sampleFiles(40);
    await writeTree(root, files);
    await settle();
    const prepared = await runJson<PrepareJson>(['prepare-data', '--input', 'data', '--set', 'hasher=sha256'], dir.path);
    t.is(prepared.result.code, 0, prepared.result.stderr);
    const {runId} = prepared.json;

    const clean = await runJson<VerifyJson>(['data:verify', runId], dir.path);
    t.is(clean.result.code, 0, clean.result.stderr);
    t.true(clean.json.ok);
    t.is(clean.json.checked, 40);
    t.is(clean.json.cachedItems, 40, 'prepare-data warmed the stat cache');
    t.is(clean.json.currentDatasetId, prepared.json.datasetId);
    const full = await runJson<VerifyJson>(['data:verify', prepared.json.manifest, '--no-cache'], dir.path);
    t.true(full.json.ok);
    t.is(full.json.cachedItems, 0);

    // One byte flipped in place: same size, and the mtime put back, so only the content and ctime differ.
    const [changedId] = files[5] as [string, string];
    const changedPath = join(root, changedId);
    const before = Buffer.from(await readFile(changedPath));
    before[0] = (before[0] as number) ^ 1;
    await writeFile(changedPath, before);
    const [deletedId] = files[9] as [string, string];
    await rm(join(root, deletedId));
    await writeTree(root, [['c/new-file.txt', 'new']]);
    await settle();

    const drift = await runJson<VerifyJson>(['data:verify', runId], dir.path);
    t.is(drift.result.code, 5);
    t.false(drift.json.ok);
    t.deepEqual(drift.json.changed, [changedId]);
    t.deepEqual(drift.json.missing, [deletedId]);
    t.deepEqual(drift.json.added, ['c/new-file.txt']);
    t.not(drift.json.currentDatasetId, prepared.json.datasetId);
    t.regex(drift.result.stderr, /the dataset drifted: 1 changed, 1 missing, 1 added/);

    const human = await runCli(['data:verify', runId], {cwd: dir.path});
    t.is(human.code, 5);
    t.regex(human.stdout, new RegExp(`changed: ${changedId}`));
    t.regex(human.stdout, /DRIFT: run /);
    t.true(isOneLineError(human.stderr), human.stderr);
  } finally {
    await dir.cleanup();
  }
});

test('data:verify: jsonl records, label files and run artifacts are checked too', async (t) => {
  const dir = await tempDir();
  try {
    const lines = Array.from({length: 30}, (_, i) => JSON.stringify({id: `r${i}`, text: `line ${i}`}));
    await writeFile(join(dir.path, 'data.jsonl'), `${lines.join('\n')}\n`);
    await writeFile(join(dir.path, 'labels.txt'), Array.from({length: 30}, (_, i) => `r${i} ${i % 2 ? 'a' : 'b'}`).join('\n'));
    await settle();
    const prepared = await runJson<PrepareJson>(
      ['prepare-data', '--input', 'data.jsonl', '--labels', 'labels.txt', '--splitter', 'stratified'],
      dir.path,
    );
    t.is(prepared.result.code, 0, prepared.result.stderr);
    const clean = await runJson<VerifyJson>(['data:verify', prepared.json.runId], dir.path);
    t.true(clean.json.ok, JSON.stringify(clean.json));
    t.is(clean.json.cachedItems, 30, 'an unchanged source file proves its records unchanged');

    lines[3] = JSON.stringify({id: 'r3', text: 'line three, edited'});
    await writeFile(join(dir.path, 'data.jsonl'), `${lines.join('\n')}\n`);
    await writeFile(join(dir.path, 'labels.txt'), 'r0 a\n');
    await writeFile(join(prepared.json.runDir, 'splits', 'test.txt'), 'r0\n');
    const drift = await runJson<VerifyJson>(['data:verify', prepared.json.runId], dir.path);
    t.is(drift.result.code, 5);
    t.deepEqual(drift.json.changed, ['r3']);
    t.deepEqual(drift.json.mappingsChanged, [join(dir.path, 'labels.txt')]);
    t.deepEqual(drift.json.artifactsChanged, ['splits/test.txt']);
  } finally {
    await dir.cleanup();
  }
});

test('data:verify refuses truncated and hand-edited manifests with one clear line', async (t) => {
  const dir = await tempDir();
  try {
    await writeTree(join(dir.path, 'data'), sampleFiles(12));
    const prepared = await runJson<PrepareJson>(['prepare-data', '--input', 'data'], dir.path);
    t.is(prepared.result.code, 0, prepared.result.stderr);
    const {runId, manifest} = prepared.json;
    const original = await readFile(manifest, 'utf8');
    const parsed = JSON.parse(original) as Record<string, unknown> & {items: Array<{split: string}>};

    const cases: ReadonlyArray<[string, string, RegExp]> = [
      ['truncated', original.slice(0, Math.floor(original.length / 2)), new RegExp(`run ${runId}: manifest is not valid JSON`)],
      [
        'a split edited by hand',
        JSON.stringify({
          ...parsed,
          items: parsed.items.map((item, i) => (i === 0 ? {...item, split: item.split === 'train' ? 'test' : 'train'} : item)),
        }),
        /manifest was modified after it was written/,
      ],
      ['a field removed', JSON.stringify({...parsed, datasetId: undefined}), /manifest must have required property 'datasetId'/],
      [
        'a malformed checksum, resealed',
        (() => {
          const edited = {...parsed, datasetId: 'blake3:XYZ'};
          return JSON.stringify({...edited, integrity: manifestIntegrity(edited)});
        })(),
        /field \/datasetId must match pattern/,
      ],
      ['an unknown version', JSON.stringify({...parsed, schemaVersion: 99}), /data manifest version 99 is not supported/],
    ];
    for (const [what, text, message] of cases) {
      await writeFile(manifest, text);
      const result = await runCli(['data:verify', runId], {cwd: dir.path});
      t.is(result.code, 5, `${what}: ${result.stderr}`);
      t.regex(result.stderr, message, what);
      t.true(isOneLineError(result.stderr), `${what}: ${result.stderr}`);
    }
    const unknown = await runCli(['data:verify', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], {cwd: dir.path});
    t.is(unknown.code, 4);
    t.regex(unknown.stderr, /no data manifest at/);
  } finally {
    await dir.cleanup();
  }
});
