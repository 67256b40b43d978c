import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {type TokenizerManifestJson, type TrainJson, brownCorpus, parseJson} from './cli_corpus.js';

interface PrepareJson {
  runId: string;
  manifest: string;
  datasetId: string;
}

interface DataManifestJson {
  root: string;
  items: Array<{id: string; split: string; checksum: string}>;
}

test('training on a data run verifies its files, refuses a one-byte change, and records drift when allowed', async (t) => {
  const dir = await tempDir('codex-tok-data-');
  t.teardown(dir.cleanup);
  await brownCorpus(join(dir.path, 'corpus'), 10);
  const prepared = await runCli(['prepare-data', '--input', 'corpus', '--json'], {cwd: dir.path});
  t.is(prepared.code, 0, prepared.stderr);
  const data = parseJson<PrepareJson>(prepared.stdout);
  const dataManifest = parseJson<DataManifestJson>(await readFile(data.manifest, 'utf8'));
  const trainItems = dataManifest.items.filter((item) => item.split === 'train');

  const train = (...extra: string[]) =>
    runCli(['tokenizer:train', '--input', data.runId, '--vocab-size', '320', ...extra], {cwd: dir.path});
  const first = await train('--json');
  t.is(first.code, 0, first.stderr);
  const result = parseJson<TrainJson>(first.stdout);
  t.deepEqual(result.parents, [data.runId], 'the data run is the parent');
  t.deepEqual(result.datasetIds, [data.datasetId]);
  const manifest = parseJson<TokenizerManifestJson>(await readFile(result.manifest, 'utf8'));
  t.deepEqual(
    manifest.files.map((file) => [file.id, file.checksum]),
    trainItems.map((item) => [item.id, item.checksum]),
    'exactly the train split, with the data manifest checksums',
  );

  // The same data reached through the manifest path is the same cache entry.
  const byPath = parseJson<TrainJson>(
    (await runCli(['tokenizer:train', '--input', data.manifest, '--vocab-size', '320', '--json'], {cwd: dir.path})).stdout,
  );
  t.true(byPath.cached);
  t.is(byPath.runId, result.runId);

  const victim = join(dataManifest.root, (trainItems[0] as {id: string}).id);
  const bytes = await readFile(victim);
  bytes[0] = (bytes[0] as number) ^ 1;
  await writeFile(victim, bytes);
  const refused = await train();
  t.is(refused.code, 5);
  t.true(isOneLineError(refused.stderr), refused.stderr);
  t.regex(
    refused.stderr,
    new RegExp(
      `${victim.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} changed since the manifest was written: expected ${(trainItems[0] as {checksum: string}).checksum}, found blake3:[0-9a-f]{64}`,
    ),
  );

  const drifted = await train('--allow-drift', '--json');
  t.is(drifted.code, 0, drifted.stderr);
  const driftResult = parseJson<TrainJson>(drifted.stdout);
  t.false(driftResult.cached);
  t.is(driftResult.drift.length, 1);
  t.is(driftResult.drift[0]?.expected, (trainItems[0] as {checksum: string}).checksum);
  t.notDeepEqual(driftResult.datasetIds, [data.datasetId], 'drifted data is another dataset');
  t.deepEqual(driftResult.parents, [data.runId]);
});

test('a record dataset (.txt) trains from its train split and validates on its validation split', async (t) => {
  const dir = await tempDir('codex-tok-data-');
  t.teardown(dir.cleanup);
  const lines = (await readFile(join(await brownCorpus(join(dir.path, 'src'), 2).then((files) => files[0] as string)), 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '');
  await writeFile(join(dir.path, 'lines.txt'), `${lines.join('\n')}\n`);
  const prepared = await runCli(['prepare-data', '--input', 'lines.txt', '--json'], {cwd: dir.path});
  t.is(prepared.code, 0, prepared.stderr);
  const data = parseJson<PrepareJson>(prepared.stdout);
  const trained = await runCli(['tokenizer:train', '--input', data.runId, '--vocab-size', '300', '--out', 'tok', '--json'], {
    cwd: dir.path,
  });
  t.is(trained.code, 0, trained.stderr);
  t.deepEqual(parseJson<TrainJson>(trained.stdout).parents, [data.runId]);

  const validated = await runCli(['tokenizer:validate', '--tokenizer', join('tok', 'tokenizer.json'), '--input', data.runId, '--json'], {
    cwd: dir.path,
  });
  t.is(validated.code, 0, validated.stderr);
  const report = parseJson<{
    ok: boolean;
    lines: number;
    roundTrip: {checked: number; failed: number};
    specialTokens: Array<{token: string; id: number}>;
  }>(validated.stdout);
  t.true(report.ok);
  t.true(report.lines > 0 && report.lines < lines.length, 'only the validation split is read');
  t.is(report.roundTrip.failed, 0);
  t.deepEqual(
    report.specialTokens.map((check) => [check.token, check.id]),
    [
      ['[PAD]', 0],
      ['[BOS]', 1],
      ['[EOS]', 2],
    ],
  );
});
