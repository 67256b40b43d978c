import {readFile, writeFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import test from 'ava';
import type * as HfNative from 'tokenizers';
import {repoRoot, runCli, tempDir} from '../helpers/run-cli.js';
import {type TrainJson, brownCorpus, parseJson} from './cli_corpus.js';

// Hugging Face tokenizers (Rust through napi), the reference the file format comes from.
const hf = createRequire(join(repoRoot, 'package.json'))('tokenizers') as typeof HfNative;

async function corpusLines(dir: string): Promise<{file: string; lines: string[]}> {
  const files = await brownCorpus(join(dir, 'corpus'), 3);
  const lines: string[] = [];
  for (const file of files) lines.push(...(await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== ''));
  const file = join(dir, 'lines.txt');
  await writeFile(file, `${lines.join('\n')}\n`);
  return {file, lines};
}

async function cliIds(args: string[], cwd: string): Promise<number[][]> {
  const result = await runCli(['tokenizer:encode', ...args, '--no-add-special', '--json'], {cwd});
  if (result.code !== 0) throw new Error(result.stderr);
  return result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => (JSON.parse(line) as {ids: number[]}).ids);
}

test('tokenizer.json files written by Hugging Face tokenizers load by their model type and give its ids', async (t) => {
  const dir = await tempDir('codex-tok-hf-');
  t.teardown(dir.cleanup);
  const {file, lines} = await corpusLines(dir.path);
  const sample = lines.slice(0, 200);
  await writeFile(join(dir.path, 'sample.txt'), `${sample.join('\n')}\n`);

  const bpe = new hf.Tokenizer(hf.BPE.empty());
  bpe.setPreTokenizer(hf.byteLevelPreTokenizer(false, true));
  bpe.train([file]);
  bpe.save(join(dir.path, 'hf-bpe.json'));

  const wordpiece = new hf.Tokenizer(hf.WordPiece.empty() as unknown as HfNative.Model);
  wordpiece.setNormalizer(hf.bertNormalizer());
  wordpiece.setPreTokenizer(hf.bertPreTokenizer());
  wordpiece.setDecoder(hf.wordPieceDecoder());
  wordpiece.train([file]);
  wordpiece.save(join(dir.path, 'hf-wordpiece.json'));

  for (const [name, reference] of [
    ['hf-bpe.json', bpe],
    ['hf-wordpiece.json', wordpiece],
  ] as const) {
    const ours = await cliIds(['--tokenizer', name, '--file', 'sample.txt'], dir.path);
    const theirs = await Promise.all(sample.map(async (line) => (await reference.encode(line)).getIds()));
    t.deepEqual(ours, theirs, name);
  }
});

test('a tokenizer trained by the CLI loads in Hugging Face tokenizers with identical ids', async (t) => {
  const dir = await tempDir('codex-tok-hf-');
  t.teardown(dir.cleanup);
  await corpusLines(dir.path);
  const heldOut = ['Held-out text: naïve café, 日本語, emoji 👩‍👩‍👧 and   spaces.', 'The jury praised the administration.'];
  await writeFile(join(dir.path, 'heldout.txt'), `${heldOut.join('\n')}\n`);
  const trained = await runCli(['tokenizer:train', '--input', 'corpus', '--vocab-size', '600', '--json'], {cwd: dir.path});
  t.is(trained.code, 0, trained.stderr);
  const {tokenizer} = parseJson<TrainJson>(trained.stdout);
  const reference = hf.Tokenizer.fromFile(tokenizer);
  const ours = await cliIds(['--tokenizer', tokenizer, '--file', 'heldout.txt'], dir.path);
  const theirs = await Promise.all(heldOut.map(async (line) => (await reference.encode(line, null, {addSpecialTokens: false})).getIds()));
  t.deepEqual(ours, theirs);
});
