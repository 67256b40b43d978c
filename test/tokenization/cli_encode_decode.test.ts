import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {cliPath, runCli, tempDir} from '../helpers/run-cli.js';
import {type TrainJson, brownCorpus, parseJson} from './cli_corpus.js';

interface EncodedLine {
  ids: number[];
  tokens: string[];
  attentionMask?: number[];
  overflowing?: Array<{ids: number[]; tokens: string[]}>;
}

const SAMPLES = [
  "The jury said it did find that many of Georgia's registration laws are outmoded.",
  'Ünïcödé: naïve café, 日本語のテキスト, עברית וערבית مرحبا',
  'e\u0301 combining marks and \u200d joiners 👩‍👩‍👧‍👦 🏳️‍🌈',
  '   whitespace\truns   ',
  '',
];

/** One tokenizer trained for the whole file (training is what the cache tests cover). */
let shared: {dir: string; tokenizer: string; cleanup: () => Promise<void>} | undefined;

test.before(async () => {
  const dir = await tempDir('codex-tok-encode-');
  shared = {dir: dir.path, cleanup: dir.cleanup, tokenizer: await trainedTokenizer(dir.path)};
});

test.after.always(async () => {
  await shared?.cleanup();
});

function fixture(): {dir: string; tokenizer: string} {
  if (!shared) throw new Error('the tokenizer was not trained');
  return shared;
}

async function trainedTokenizer(dir: string): Promise<string> {
  const corpus = join(dir, 'corpus');
  await brownCorpus(corpus, 4);
  const train = await runCli(['tokenizer:train', '--input', corpus, '--vocab-size', '400', '--out', 'tok', '--json'], {cwd: dir});
  if (train.code !== 0) throw new Error(train.stderr);
  return parseJson<TrainJson>(train.stdout).out as string;
}

test('encode --json prints one {ids, tokens} per input line; decode --json gives the lines back', async (t) => {
  const {dir: path, tokenizer} = fixture();
  const dir = {path};
  const input = join(dir.path, 'input.txt');
  await writeFile(input, `${SAMPLES.join('\n')}\n`);

  const encoded = await runCli(['tokenizer:encode', '--tokenizer', tokenizer, '--file', input, '--no-add-special', '--json'], {
    cwd: dir.path,
  });
  t.is(encoded.code, 0, encoded.stderr);
  const lines = encoded.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as EncodedLine);
  t.is(lines.length, SAMPLES.length);
  for (const line of lines) {
    t.is(line.ids.length, line.tokens.length);
    t.true(line.ids.every((id) => Number.isInteger(id) && id >= 0 && id < 400));
  }
  t.deepEqual(lines[SAMPLES.length - 1], {ids: [], tokens: []});

  const decoded = await runCli(['tokenizer:decode', '--tokenizer', tokenizer, '--json'], {cwd: dir.path, input: encoded.stdout});
  t.is(decoded.code, 0, decoded.stderr);
  const texts = decoded.stdout
    .trimEnd()
    .split('\n')
    .map((line) => (JSON.parse(line) as {text: string}).text);
  t.deepEqual(texts, SAMPLES, 'byte-level BPE round-trips any text');

  // stdin and the positional argument go through the same encoder.
  const fromStdin = await runCli(['tokenizer:encode', '-t', tokenizer, '--no-add-special', '--json'], {
    cwd: dir.path,
    input: `${SAMPLES[0]}\n`,
  });
  t.deepEqual(JSON.parse(fromStdin.stdout.trim()), lines[0]);
  const fromArg = await runCli(['tokenizer:encode', '-t', tokenizer, '--no-add-special', SAMPLES[0] as string], {cwd: dir.path});
  t.is(fromArg.stdout.trim(), (lines[0] as EncodedLine).ids.join(' '));
});

test('encode adds BOS/EOS by default, pads and truncates with a stride; decode skips special tokens', async (t) => {
  const {dir: path, tokenizer} = fixture();
  const dir = {path};
  const input = 'short\na considerably longer line of ordinary words\n';
  const padded = await runCli(['tokenizer:encode', '-t', tokenizer, '--pad-to', 'longest', '--json'], {cwd: dir.path, input});
  t.is(padded.code, 0, padded.stderr);
  const [a, b] = padded.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as EncodedLine) as [EncodedLine, EncodedLine];
  t.is(a.ids.length, b.ids.length, 'every row has the longest length');
  t.is(b.ids[0], 1, '[BOS] has id 1');
  t.is(b.ids.at(-1), 2, '[EOS] has id 2');
  t.deepEqual(
    a.attentionMask,
    a.ids.map((id) => (id === 0 ? 0 : 1)),
    'the mask is 0 exactly on pads',
  );
  t.true(a.ids.includes(0), 'the short row is padded with [PAD] = 0');

  const decoded = await runCli(['tokenizer:decode', '-t', tokenizer, '--json'], {cwd: dir.path, input: padded.stdout});
  t.deepEqual(
    decoded.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as {text: string}).text),
    ['short', 'a considerably longer line of ordinary words'],
  );
  const kept = await runCli(['tokenizer:decode', '-t', tokenizer, '--no-skip-special', ...a.ids.map(String)], {cwd: dir.path});
  t.regex(kept.stdout, /^\[BOS\]short\[EOS\](\[PAD\])+\n$/);

  const windows = await runCli(['tokenizer:encode', '-t', tokenizer, '--no-add-special', '--max-length', '6', '--stride', '2', '--json'], {
    cwd: dir.path,
    input: 'a considerably longer line of ordinary words that needs several windows\n',
  });
  const line = JSON.parse(windows.stdout.trim()) as EncodedLine;
  t.is(line.ids.length, 6);
  t.true((line.overflowing?.length ?? 0) > 0);
  t.deepEqual(line.overflowing?.[0]?.ids.slice(0, 2), line.ids.slice(4), 'consecutive windows share the stride');
});

test('--tiktoken gpt2 encodes with the shipped ranks', async (t) => {
  const result = await runCli(['tokenizer:encode', '--tiktoken', 'gpt2', '--json'], {input: 'Hello world\n'});
  t.is(result.code, 0, result.stderr);
  t.deepEqual((JSON.parse(result.stdout.trim()) as EncodedLine).ids, [15496, 995]);
  const decoded = await runCli(['tokenizer:decode', '--tiktoken', 'gpt2', '15496', '995']);
  t.is(decoded.stdout, 'Hello world\n');
  const unknown = await runCli(['tokenizer:encode', '--tiktoken', 'nope', 'x']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /vocabulary "nope".*gpt2/);
});

test('config file and flags resolve through one path', async (t) => {
  const {dir: path, tokenizer} = fixture();
  const dir = {path};
  const config = join(dir.path, 'tok.yaml');
  await writeFile(config, 'tokenizer:\n  encode:\n    addSpecialTokens: false\n    output: tokens\n');
  const fromFile = await runCli(['tokenizer:encode', '-t', tokenizer, '--config', config, 'Hello'], {cwd: dir.path});
  t.notRegex(fromFile.stdout, /\[BOS\]/);
  const flagWins = await runCli(['tokenizer:encode', '-t', tokenizer, '--config', config, '--add-special', 'Hello'], {cwd: dir.path});
  t.regex(flagWins.stdout, /^\[BOS\] .* \[EOS\]\n$/);
  t.truthy(await readFile(tokenizer));
});

test('stdin is always read line by line, however fast it arrives (never taken whole as the text argument)', async (t) => {
  const {dir, tokenizer} = fixture();
  // A file as stdin reaches its end at once: the race in which oclif would take all of it as the argument.
  const input = join(dir, 'two-lines.txt');
  await writeFile(input, 'short\na considerably longer line of ordinary words\n');
  const {spawnSync} = await import('node:child_process');
  const {openSync, closeSync} = await import('node:fs');
  for (let attempt = 0; attempt < 3; attempt++) {
    const fd = openSync(input, 'r');
    const result = spawnSync(process.execPath, [cliPath, 'tokenizer:encode', '-t', tokenizer, '--pad-to', 'longest', '--json'], {
      cwd: dir,
      stdio: [fd, 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    closeSync(fd);
    t.is(result.status, 0, result.stderr);
    t.is(result.stdout.trimEnd().split('\n').length, 2, result.stdout);
  }
});
