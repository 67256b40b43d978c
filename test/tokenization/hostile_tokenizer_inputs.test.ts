import {once} from 'node:events';
import {createWriteStream} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {textLines} from '../../src/services/tokenization/text-lines.js';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';

// Hostile tokenizer files and inputs, each built here: refused with one line, quickly and without exhausting
// memory, or handled identically however they arrive.

/** A small valid tokenizer.json (a word-level model) whose parts a test then corrupts. */
function tokenizerDocument(): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: {type: 'Whitespace'},
    post_processor: null,
    decoder: null,
    model: {type: 'WordLevel', vocab: {'<unk>': 0, hello: 1}, unk_token: '<unk>'},
  };
}

async function refused(
  t: import('ava').ExecutionContext,
  document: string | ((path: string) => Promise<void>),
  pattern: RegExp,
  input = 'hello',
): Promise<void> {
  const dir = await tempDir('codex-hostile-');
  t.teardown(dir.cleanup);
  const file = join(dir.path, 'tokenizer.json');
  if (typeof document === 'string') await writeFile(file, document);
  else await document(file);
  const result = await runCli(['tokenizer:encode', '--tokenizer', file, input], {cwd: dir.path});
  t.not(result.code, 0, result.stdout);
  t.true(isOneLineError(result.stderr), result.stderr);
  t.regex(result.stderr, pattern);
  t.is(result.stdout, '');
}

test('a token id of 2^31 - 1 is refused against the vocabulary limit instead of sizing a table by it', async (t) => {
  const document = tokenizerDocument();
  (document.model as {vocab: Record<string, number>}).vocab.huge = 2 ** 31 - 1;
  await refused(t, JSON.stringify(document), /\$\.model\.vocab\["huge"\]: expected an integer in \[0, 4194304\), got 2147483647/);
  const added = {...tokenizerDocument(), added_tokens: [{id: 2 ** 31 - 1, content: '<x>', special: true}]};
  await refused(t, JSON.stringify(added), /\$\.added_tokens\[0\]\.id: expected an integer in \[0, 4194304\)/);
});

test('a 10-million-entry vocabulary is refused by the file-size limit before it is read', async (t) => {
  await refused(
    t,
    async (path) => {
      const out = createWriteStream(path);
      out.write('{"version": "1.0", "model": {"type": "BPE", "merges": [], "vocab": {');
      for (let block = 0; block < 100; block++) {
        const parts: string[] = [];
        for (let i = block * 100_000; i < (block + 1) * 100_000; i++) parts.push(`"t${i}": ${i}`);
        if (!out.write(`${block > 0 ? ', ' : ''}${parts.join(', ')}`)) await once(out, 'drain');
      }
      out.end('}}}');
      await once(out, 'finish');
    },
    /tokenizer\.json is \d+ bytes, more than the 67108864 bytes a tokenizer\.json may have/,
  );
});

test('a Split pattern that backtracks catastrophically is refused when the file is loaded', async (t) => {
  const document = tokenizerDocument();
  document.pre_tokenizer = {
    type: 'Sequence',
    pretokenizers: [{type: 'Split', pattern: {Regex: '(a+)+$'}, behavior: 'Isolated', invert: false}, {type: 'Whitespace'}],
  };
  await refused(
    t,
    JSON.stringify(document),
    /pretokenizers\[0\]\.pattern\.Regex: regex "\(a\+\)\+\$": a repetition nested in an unbounded repetition can backtrack catastrophically/,
    `${'a'.repeat(40)}!`,
  );
  document.pre_tokenizer = {type: 'Split', pattern: {Regex: '(?:x|xy)*z'}, behavior: 'Isolated', invert: false};
  await refused(t, JSON.stringify(document), /alternatives starting with the same character/);
});

test('invalid UTF-8 and UTF-8-encoded lone surrogates are refused the same way however the input is chunked', async (t) => {
  const bytes = Buffer.concat([Buffer.from('first line\nsecond '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(' surrogate\nthird\n')]);
  const invalid = Buffer.concat([Buffer.from('ok\nbad '), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('\n')]);
  // A complete "é" just before a sequence cut short by the line end: the offset is the cut sequence's, not the é's.
  const cut = Buffer.concat([Buffer.from('ok\ncaf\u00e9'), Buffer.from([0xe2]), Buffer.from('\n')]);
  for (const [input, message] of [
    [bytes, 'stdin: line 2, byte 18: not valid UTF-8'],
    [invalid, 'stdin: line 2, byte 7: not valid UTF-8'],
    [cut, 'stdin: line 2, byte 8: not valid UTF-8'],
  ] as const) {
    for (const size of [1, 2, 3, 5, 7, 64, input.length]) {
      const chunks = async function* () {
        for (let at = 0; at < input.length; at += size) yield input.subarray(at, at + size);
      };
      const lines: string[] = [];
      const error = await t.throwsAsync(async () => {
        for await (const line of textLines(chunks(), 'stdin')) lines.push(line);
      });
      t.is(error?.message, message, `chunks of ${size}`);
      const replaced: string[] = [];
      for await (const line of textLines(chunks(), 'stdin', {onInvalidUtf8: 'replace'})) replaced.push(line);
      t.is(replaced[1]?.includes('\uFFFD'), true);
      const kept: string[] = [];
      const skipped: number[] = [];
      for await (const line of textLines(chunks(), 'stdin', {onInvalidUtf8: 'skip', onSkip: (line) => skipped.push(line)})) kept.push(line);
      t.deepEqual(skipped, [2]);
      t.false(kept.some((line) => line.includes('\uFFFD')));
    }
  }
  const result = await runCli(['tokenizer:encode', '--tiktoken', 'gpt2'], {input: bytes});
  t.is(result.code, 4);
  t.true(isOneLineError(result.stderr), result.stderr);
  t.regex(result.stderr, /stdin: line 2, byte 18: not valid UTF-8/);
  const skipped = await runCli(['tokenizer:encode', '--tiktoken', 'gpt2', '--on-invalid-utf8', 'skip'], {input: bytes});
  t.is(skipped.code, 0, skipped.stderr);
  t.is(skipped.stdout.trimEnd().split('\n').length, 2);
  t.regex(skipped.stderr, /skipped line 2: not valid UTF-8 at byte 18/);
});

test('one long line without spaces encodes to the same ids from a file and from chunked stdin', async (t) => {
  const dir = await tempDir('codex-long-line-');
  t.teardown(dir.cleanup);
  let seed = 7;
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789é東';
  const chars: string[] = [];
  for (let i = 0; i < 1_500_000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    chars.push(letters[(seed >>> 16) % letters.length] as string);
  }
  const line = chars.join('');
  const file = join(dir.path, 'long.txt');
  await writeFile(file, `${line}\nshort line\n`);
  const fromFile = await runCli(['tokenizer:encode', '--tiktoken', 'cl100k_base', '--file', file], {cwd: dir.path});
  t.is(fromFile.code, 0, fromFile.stderr);
  const fromStdin = await runCli(['tokenizer:encode', '--tiktoken', 'cl100k_base'], {cwd: dir.path, input: `${line}\nshort line\n`});
  t.is(fromStdin.code, 0, fromStdin.stderr);
  const [ids, short] = fromFile.stdout.trimEnd().split('\n');
  t.true(fromStdin.stdout === fromFile.stdout, 'stdin and file give different ids');
  t.true((ids?.split(' ').length ?? 0) > 300_000);
  t.is(short, '8846 1584');
});
