import {readFile, rm, writeFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {type TokenizerManifestJson, type TrainJson, brownCorpus, parseJson} from './cli_corpus.js';

const CHECKSUM = /^[a-z0-9-]+:[0-9a-f]+$/;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

test('train writes a run, a manifest with dataset ids and checksums, and reuses it on an identical re-run', async (t) => {
  const dir = await tempDir('codex-tok-cache-');
  t.teardown(dir.cleanup);
  const corpus = join(dir.path, 'corpus');
  const files = await brownCorpus(corpus, 6);
  const train = (...extra: string[]) =>
    runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '400', '--out', 'tok', '--json', ...extra], {cwd: dir.path});

  const first = await train();
  t.is(first.code, 0, first.stderr);
  t.false(first.stderr.includes('\r') || first.stderr.includes('\u001b'), 'no progress bar when stderr is not a terminal');
  const result = parseJson<TrainJson>(first.stdout);
  t.regex(result.runId, ULID);
  t.false(result.cached);
  t.is(result.out, join(dir.path, 'tok', 'tokenizer.json'));
  const outBytes = await readFile(join(dir.path, 'tok', 'tokenizer.json'));
  t.deepEqual(outBytes, await readFile(result.tokenizer), '--out holds the run artifact');

  const manifest = parseJson<TokenizerManifestJson>(await readFile(result.manifest, 'utf8'));
  t.is(manifest.kind, 'tokenizer');
  t.is(manifest.schemaVersion, 1);
  t.is(manifest.runId, result.runId);
  t.deepEqual(manifest.parents, []);
  t.is(manifest.datasetIds.length, 1);
  t.regex(manifest.datasetIds[0] as string, CHECKSUM);
  t.is(manifest.files.length, files.length);
  for (const file of manifest.files) t.regex(file.checksum, CHECKSUM);
  t.regex(manifest.configDigest, CHECKSUM);
  t.is(manifest.artifacts[0]?.path, 'tokenizer.json');
  t.is(manifest.artifacts[0]?.bytes, outBytes.length);
  t.is(manifest.artifactChecksum, manifest.artifacts[0]?.checksum ?? '');
  // The same manifest is in the run directory, through the manifest store.
  const stored = parseJson<TokenizerManifestJson>(await readFile(join(dir.path, 'runs', result.runId, 'manifest.json'), 'utf8'));
  t.is(stored.cacheKey, manifest.cacheKey);

  const again = await runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '400'], {cwd: dir.path});
  t.is(again.code, 0, again.stderr);
  t.regex(again.stderr, /cache hit/);
  t.regex(again.stdout, new RegExp(result.runId));

  const forced = parseJson<TrainJson>((await train('--force')).stdout);
  t.false(forced.cached);
  t.not(forced.runId, result.runId);
  t.is(forced.artifactChecksum, result.artifactChecksum, 'training is deterministic');
});

test('any change to the corpus or the config retrains and updates the manifest', async (t) => {
  const dir = await tempDir('codex-tok-cache-');
  t.teardown(dir.cleanup);
  const corpus = join(dir.path, 'corpus');
  const files = await brownCorpus(corpus, 4);
  const train = (...extra: string[]) =>
    runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '350', '--json', ...extra], {cwd: dir.path});
  const base = parseJson<TrainJson>((await train()).stdout);

  const bigger = parseJson<TrainJson>((await train('--set', 'tokenizer.vocabSize=360')).stdout);
  t.false(bigger.cached, 'a config change retrains (flags and --set are one path: --set wins)');
  t.not(bigger.cacheKey, base.cacheKey);
  t.is(bigger.vocabSize, 360);

  // Input order does not matter: the same files listed the other way round are the same cache entry.
  const reordered = parseJson<TrainJson>(
    (await runCli(['tokenizer:train', '--input', ...[...files].reverse(), '--vocab-size', '350', '--json'], {cwd: dir.path})).stdout,
  );
  const forward = parseJson<TrainJson>(
    (await runCli(['tokenizer:train', '--input', ...files, '--vocab-size', '350', '--json'], {cwd: dir.path})).stdout,
  );
  t.true(forward.cached, 'same files, other order: a cache hit');
  t.is(forward.runId, reordered.runId);

  const target = files[0] as string;
  const bytes = await readFile(target);
  bytes[10] = bytes[10] === 0x61 ? 0x62 : 0x61;
  await writeFile(target, bytes);
  const changed = parseJson<TrainJson>((await train()).stdout);
  t.false(changed.cached, 'a one-byte change retrains');
  t.not(changed.cacheKey, base.cacheKey);
  t.notDeepEqual(changed.datasetIds, base.datasetIds);
  const manifest = parseJson<TokenizerManifestJson>(await readFile(changed.manifest, 'utf8'));
  const before = parseJson<TokenizerManifestJson>(await readFile(base.manifest, 'utf8'));
  t.notDeepEqual(
    manifest.files.map((file) => file.checksum),
    before.files.map((file) => file.checksum),
  );
});

test('a corrupted cache artifact is detected and rebuilt, never used', async (t) => {
  const dir = await tempDir('codex-tok-cache-');
  t.teardown(dir.cleanup);
  const corpus = join(dir.path, 'corpus');
  await brownCorpus(corpus, 3);
  const train = () => runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '300', '--json'], {cwd: dir.path});
  const first = parseJson<TrainJson>((await train()).stdout);
  const artifact = await readFile(first.tokenizer, 'utf8');
  await writeFile(first.tokenizer, artifact.replace('"version"', '"versioN"'));

  const plain = await runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '300'], {cwd: dir.path});
  t.is(plain.code, 0, plain.stderr);
  t.regex(plain.stderr, /stale.*changed: expected [a-z0-9]+:[0-9a-f]+, found/);
  t.notRegex(plain.stderr, /cache hit/);
  const second = parseJson<TrainJson>((await train()).stdout);
  t.true(second.cached, 'the rebuilt entry is a hit again');
  t.not(second.runId, first.runId);
  t.is(second.artifactChecksum, first.artifactChecksum);

  // A truncated cache entry is unreadable: reported and rebuilt.
  const entry = await readFile(second.cacheEntry, 'utf8');
  await writeFile(second.cacheEntry, entry.slice(0, entry.length / 2));
  const truncated = await runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '300'], {cwd: dir.path});
  t.is(truncated.code, 0, truncated.stderr);
  t.regex(truncated.stderr, /stale.*is unreadable/);
});

test('a second trainer of the same key is locked out with one line naming the holder', async (t) => {
  const dir = await tempDir('codex-tok-cache-');
  t.teardown(dir.cleanup);
  const corpus = join(dir.path, 'corpus');
  await brownCorpus(corpus, 2);
  const train = () => runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '300', '--force', '--json'], {cwd: dir.path});
  const first = parseJson<TrainJson>((await train()).stdout);
  // A live process (this test) holds the key's lock, as a concurrent trainer would.
  const lock = `${first.cacheEntry}.lock`;
  await writeFile(lock, JSON.stringify({pid: process.pid, host: hostname(), since: new Date().toISOString()}));
  const locked = await runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '300', '--force'], {cwd: dir.path});
  t.is(locked.code, 6);
  t.true(isOneLineError(locked.stderr), locked.stderr);
  t.regex(locked.stderr, new RegExp(`locked by process ${process.pid}`));
  await rm(lock);
  t.is((await train()).code, 0, 'free again once the holder is gone');
});
