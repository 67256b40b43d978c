import {rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isCodexError} from '@codex-ml/core';
import {DataManifestReader} from '../../src/services/data/index.js';
import {tempDir} from '../helpers/run-cli.js';
import {type PrepareJson, runJson, sampleFiles, writeTree} from './data-fixtures.js';

/** Every text of every split, in split then id order. */
async function allTexts(reader: DataManifestReader): Promise<string[]> {
  const texts: string[] = [];
  for (const split of reader.splitNames) for await (const {text} of reader.texts(split)) texts.push(text);
  return texts;
}

test('the texts of a jsonl data run come from its records; a record removed since is refused by id', async (t) => {
  const dir = await tempDir('codex-reader-');
  t.teardown(dir.cleanup);
  const records = Array.from({length: 10}, (_, i) => ({id: `r${i}`, text: `record number ${i}`}));
  await writeFile(join(dir.path, 'data.jsonl'), records.map((record) => JSON.stringify(record)).join('\n'));
  const {json} = await runJson<PrepareJson>(['prepare-data', '--input', 'data.jsonl'], dir.path);
  const reader = await DataManifestReader.open(json.runId, {runsDir: join(dir.path, 'runs')});
  t.deepEqual((await allTexts(reader)).sort(), records.map((record) => record.text).sort());

  await writeFile(
    join(dir.path, 'data.jsonl'),
    records
      .slice(1)
      .map((record) => JSON.stringify(record))
      .join('\n'),
  );
  const error = await t.throwsAsync(allTexts(reader));
  t.true(isCodexError(error));
  t.regex(error?.message ?? '', /data\.jsonl: item "r0" is gone$/);
});

test('the texts of a directory data run are its files; a file deleted since is refused by path', async (t) => {
  const dir = await tempDir('codex-reader-');
  t.teardown(dir.cleanup);
  await writeTree(join(dir.path, 'docs'), sampleFiles(6));
  const {json} = await runJson<PrepareJson>(['prepare-data', '--input', 'docs'], dir.path);
  const reader = await DataManifestReader.open(json.runId, {runsDir: join(dir.path, 'runs')});
  t.is((await allTexts(reader)).length, 6);
  const [first] = await reader.split(reader.splitNames[0] as string);
  await rm(join(dir.path, 'docs', first?.id ?? ''));
  const error = await t.throwsAsync(allTexts(reader));
  t.true(isCodexError(error));
  t.regex(error?.message ?? '', /^cannot read .*docs.* does not exist$/);
});
