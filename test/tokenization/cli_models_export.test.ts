import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import test from 'ava';
import type * as HfNative from 'tokenizers';
import {isOneLineError, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';
import {type TrainJson, brownCorpus, parseJson} from './cli_corpus.js';

// --model, tokenizer:export, --offsets and the unigram backend through the real CLI; Hugging Face tokenizers (Rust)
// reads what the CLI writes.
const hf = createRequire(join(repoRoot, 'plugins/tokenizers/package.json'))('tokenizers') as typeof HfNative;

const TEXT = 'Hello wörld 👍🏽 東京 — naïve';

test('tokenizer:export --model writes a tokenizer.json Hugging Face encodes like the CLI, offsets in every unit', async (t) => {
  const dir = await tempDir('codex-export-');
  t.teardown(dir.cleanup);
  const exported = await runCli(['tokenizer:export', '--model', 'gpt-4', '--out', join(dir.path, 'gpt4'), '--json'], {cwd: dir.path});
  t.is(exported.code, 0, exported.stderr);
  const result = parseJson<{out: string; source: string; modelType: string}>(exported.stdout);
  t.is(result.source, 'model:gpt-4 (cl100k_base)');
  t.is(result.modelType, 'BPE');
  const theirs = hf.Tokenizer.fromString(await readFile(result.out, 'utf8'));
  const reference = await theirs.encode(TEXT);
  const encoded = await runCli(['tokenizer:encode', '--model', 'gpt-4', '--offsets', 'codepoints', '--json', TEXT], {cwd: dir.path});
  t.is(encoded.code, 0, encoded.stderr);
  const line = JSON.parse(encoded.stdout) as {ids: number[]; offsets: number[][]};
  t.deepEqual(line.ids, reference.getIds());
  t.deepEqual(line.offsets, reference.getOffsets());
  const bytes = await runCli(['tokenizer:encode', '--tiktoken', 'cl100k_base', '--offsets', 'bytes', TEXT], {cwd: dir.path});
  const spans = bytes.stdout
    .trim()
    .split(' ')
    .map((item) => item.split('@')[1]);
  t.is(spans[0], '0:5');
  t.is(spans.at(-1)?.split(':')[1], String(Buffer.byteLength(TEXT)));
  // Byte offsets of the emoji's tokens lie inside its 8 UTF-8 bytes.
  t.true(spans.some((span) => span === '12:20' || span?.startsWith('12:') || span?.endsWith(':20')));
  const utf16 = await runCli(['tokenizer:encode', '--tiktoken', 'cl100k_base', '--offsets', 'utf16', '--output', 'tokens', TEXT], {
    cwd: dir.path,
  });
  t.regex(utf16.stdout, /^Hello@0:5 /);
  const unknown = await runCli(['tokenizer:encode', '--model', 'not-a-model', TEXT], {cwd: dir.path});
  t.is(unknown.code, 2);
  t.true(isOneLineError(unknown.stderr), unknown.stderr);
  t.regex(unknown.stderr, /no tokenizer backend knows the model "not-a-model"/);
  const both = await runCli(['tokenizer:encode', '--model', 'gpt-4', '--tiktoken', 'gpt2', TEXT], {cwd: dir.path});
  t.regex(both.stderr, /pass exactly one of --tokenizer FILE, --tiktoken ENCODING and --model NAME/);
});

test('tokenizer:train --model unigram trains a Unigram tokenizer that validates and that Hugging Face loads', async (t) => {
  const dir = await tempDir('codex-unigram-cli-');
  t.teardown(dir.cleanup);
  await brownCorpus(join(dir.path, 'corpus'), 4);
  const trained = await runCli(
    ['tokenizer:train', '--input', 'corpus', '--model', 'unigram', '--vocab-size', '1500', '--out', 'tok', '--json'],
    {cwd: dir.path},
  );
  t.is(trained.code, 0, trained.stderr);
  const result = parseJson<TrainJson>(trained.stdout);
  t.is(result.modelType, 'Unigram');
  t.is(result.vocabSize, 1500);
  const file = join(dir.path, 'tok', 'tokenizer.json');
  const theirs = hf.Tokenizer.fromString(await readFile(file, 'utf8'));
  const encoded = await runCli(['tokenizer:encode', '--tokenizer', file, '--json', 'The jury said it did find that'], {cwd: dir.path});
  t.deepEqual((JSON.parse(encoded.stdout) as {ids: number[]}).ids, (await theirs.encode('The jury said it did find that')).getIds());
  const validated = await runCli(['tokenizer:validate', '--tokenizer', file, '--input', 'corpus', '--json'], {cwd: dir.path});
  t.is(validated.code, 0, validated.stdout + validated.stderr);
  t.is(parseJson<{modelType: string}>(validated.stdout).modelType, 'Unigram');
});
