import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {isCodexError} from '@codex-ml/core';
import test from 'ava';
import fc from 'fast-check';
import type * as HfNative from 'tokenizers';
import {NormalizedText} from '../src/pipeline/normalized-text.js';
import {BertNormalizer} from '../src/wordpiece/bert-normalizer.js';
import {BertWordCounter} from '../src/wordpiece/bert-word-counter.js';
import {WordPieceDecoder} from '../src/wordpiece/wordpiece-decoder.js';
import {WordPieceTokenizerFactory} from '../src/wordpiece/wordpiece-tokenizer-factory.js';
import {smallWordPiece, wordPieceCorpus} from './wordpiece-fixtures.js';

// Both Hugging Face packages are CommonJS; `@huggingface/tokenizers` ships no ESM build for Node.
const require = createRequire(import.meta.url);
const hf = require('tokenizers') as typeof HfNative;
const {Tokenizer: HfJsTokenizer} = require('@huggingface/tokenizers') as typeof import('@huggingface/tokenizers');

const factory = new WordPieceTokenizerFactory();
const {train, heldOut} = wordPieceCorpus();
const hasAstral = (text: string) => /[\u{10000}-\u{10FFFF}]/u.test(text);

test('trained here, loaded by tokenizers and @huggingface/tokenizers: identical ids, tokens and text on held-out nlp-corpus', async (t) => {
  const ours = await smallWordPiece();
  const json = ours.toJSON();
  const native = hf.Tokenizer.fromString(json);
  const js = new HfJsTokenizer(JSON.parse(json), {});
  let compared = 0;
  for (const line of heldOut) {
    const mine = ours.encode(line);
    const theirs = await native.encode(line);
    t.deepEqual(theirs.getIds(), [...mine.ids], line);
    t.deepEqual(theirs.getTokens(), [...mine.tokens], line);
    if (!hasAstral(line))
      t.deepEqual(
        theirs.getOffsets(),
        mine.offsets.map(([a, b]) => [a, b]),
        line,
      );
    t.deepEqual(js.encode(line).ids, [...mine.ids], line);
    t.is(await native.decode([...mine.ids], true), ours.decode(mine.ids), line);
    compared++;
  }
  t.is(compared, heldOut.length);
  t.true(ours.encode(heldOut.join(' ')).tokens.includes('[UNK]'), 'held-out text exercises [UNK]');
});

test('configured pipelines (NFKC + lowercase with whitespace; no normalizer with whitespace-split) encode as tokenizers does', async (t) => {
  for (const pipeline of [
    {normalizer: ['nfkc', 'lowercase'], preTokenizer: 'whitespace'},
    {normalizer: [], preTokenizer: 'whitespace-split'},
  ]) {
    const ours = await factory.train(
      (async function* () {
        yield* train.slice(0, 1500);
      })(),
      {vocabSize: 1500, minFrequency: 2, specialTokens: [], pipeline},
    );
    const native = hf.Tokenizer.fromString(ours.toJSON());
    for (const line of heldOut.slice(0, 400)) t.deepEqual((await native.encode(line)).getIds(), [...ours.encode(line).ids], line);
  }
});

test('trained by tokenizers (default WordPiece trainer), loaded here: identical ids, and the same refusals', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'codex-wordpiece-'));
  try {
    const corpus = join(dir, 'train.txt');
    await writeFile(corpus, `${train.join('\n')}\n`);
    const native = new hf.Tokenizer(hf.WordPiece.empty() as unknown as HfNative.Model);
    native.setNormalizer(hf.bertNormalizer());
    native.setPreTokenizer(hf.bertPreTokenizer());
    native.setDecoder(hf.wordPieceDecoder());
    native.train([corpus]);
    const file = join(dir, 'tokenizer.json');
    native.save(file);
    const ours = factory.load(await readFile(file, 'utf8'), file);
    t.is(ours.vocabSize, native.getVocabSize());
    let encoded = 0;
    let refused = 0;
    for (const line of heldOut) {
      // The default trainer adds no [UNK]: text with unseen characters cannot be encoded by either side.
      const theirs = await native.encode(line).then(
        (encoding) => encoding.getIds(),
        () => undefined,
      );
      if (theirs === undefined) {
        const error = t.throws(() => ours.encode(line), undefined, line);
        t.true(isCodexError(error) && error.code === 'E_TOKENIZER');
        refused++;
      } else {
        t.deepEqual([...ours.encode(line).ids], theirs, line);
        encoded++;
      }
    }
    t.true(encoded > 500 && refused > 0, `${encoded} encoded, ${refused} refused`);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
});

test('a BERT-style file built by tokenizers ([CLS]/[SEP] template, [UNK]) loads here with identical ids', async (t) => {
  const ours = await smallWordPiece();
  const vocab: Record<string, number> = {};
  for (let id = 0; id < ours.vocabSize; id++) vocab[ours.idToToken(id) as string] = id;
  vocab['[CLS]'] = ours.vocabSize;
  vocab['[SEP]'] = ours.vocabSize + 1;
  const native = new hf.Tokenizer(hf.WordPiece.init(vocab, {unkToken: '[UNK]'}));
  native.setNormalizer(hf.bertNormalizer({lowercase: true}));
  native.setPreTokenizer(hf.bertPreTokenizer());
  native.setDecoder(hf.wordPieceDecoder());
  native.setPostProcessor(
    hf.templateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] $B:1 [SEP]:1', [
      ['[CLS]', ours.vocabSize],
      ['[SEP]', ours.vocabSize + 1],
    ]),
  );
  native.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]']);
  const dir = await mkdtemp(join(tmpdir(), 'codex-wordpiece-'));
  try {
    const file = join(dir, 'bert.json');
    native.save(file);
    const loaded = factory.load(await readFile(file, 'utf8'), file);
    for (const line of heldOut.slice(0, 300)) {
      const theirs = await native.encode(line);
      t.deepEqual([...loaded.encode(line).ids], theirs.getIds(), line);
      t.is(loaded.decode(loaded.encode(line).ids), await native.decode(theirs.getIds(), true), line);
    }
    const bertProcessing = JSON.parse(await readFile(file, 'utf8')) as {post_processor: unknown};
    bertProcessing.post_processor = {type: 'BertProcessing', sep: ['[SEP]', ours.vocabSize + 1], cls: ['[CLS]', ours.vocabSize]};
    const legacy = factory.load(JSON.stringify(bertProcessing), 'legacy.json');
    t.deepEqual(legacy.encode('hello world').ids, loaded.encode('hello world').ids);
    t.true(legacy.toJSON().includes('"BertProcessing"'));
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
});

test('our trainer and the default WordPiece trainer of tokenizers agree on the vocabulary and on bytes per token', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'codex-wordpiece-'));
  try {
    const corpus = join(dir, 'train.txt');
    await writeFile(corpus, `${train.join('\n')}\n`);
    const native = new hf.Tokenizer(hf.WordPiece.empty() as unknown as HfNative.Model);
    native.setNormalizer(hf.bertNormalizer());
    native.setPreTokenizer(hf.bertPreTokenizer());
    native.train([corpus]);
    const file = join(dir, 'tokenizer.json');
    native.save(file);
    const theirs = new Set(Object.keys(native.getVocab()));
    const mine = await factory.train(
      (async function* () {
        yield* train;
      })(),
      {vocabSize: 30_000, minFrequency: 0, specialTokens: ['[UNK]'], pipeline: {}},
    );
    const ours = new Set(Array.from({length: mine.vocabSize}, (_, id) => mine.idToToken(id) as string));
    ours.delete('[UNK]');
    const shared = [...ours].filter((token) => theirs.has(token)).length;
    t.true(Math.abs(ours.size - theirs.size) <= theirs.size * 0.001, `${ours.size} vs ${theirs.size} tokens`);
    t.true(shared >= theirs.size * 0.99, `${shared} of ${theirs.size} tokens shared`);
    // Bytes per token on held-out lines both vocabularies can spell (theirs has no [UNK]).
    const reference = factory.load(await readFile(file, 'utf8'), file);
    let bytes = 0;
    let [mineTokens, theirTokens] = [0, 0];
    for (const line of heldOut) {
      let count: number;
      try {
        count = reference.encode(line).ids.length;
      } catch {
        continue;
      }
      bytes += Buffer.byteLength(line);
      theirTokens += count;
      mineTokens += mine.encode(line, {addSpecialTokens: false}).ids.length;
    }
    const ratio = bytes / mineTokens / (bytes / theirTokens);
    t.true(Math.abs(ratio - 1) <= 0.01, `bytes per token: ours / theirs = ${ratio.toFixed(4)}`);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
});

/** Code points to check: a spread over all planes plus both ends of every range of the BERT tables. */
function sampleCodePoints(): number[] {
  const points = new Set<number>();
  for (let codePoint = 0; codePoint < 0x30000; codePoint += 53) points.add(codePoint);
  for (let codePoint = 0; codePoint < 0x800; codePoint++) points.add(codePoint);
  for (const edge of [0x110bd, 0x13430, 0x1343f, 0x1e944, 0x11a3f, 0x1e95f, 0x16121, 0xe0001, 0xf0000, 0x10fffd]) points.add(edge);
  return [...points].filter((codePoint) => codePoint < 0xd800 || codePoint > 0xdfff);
}

test('BertNormalizer matches Hugging Face character by character, with and without offsets', (t) => {
  const configurations = [{}, {lowercase: false}, {stripAccents: false}, {cleanText: false, handleChineseChars: false}] as const;
  for (const options of configurations) {
    const ours = new BertNormalizer(options);
    const theirs = hf.bertNormalizer(options);
    const mismatches: string[] = [];
    for (const codePoint of sampleCodePoints()) {
      const text = `A${String.fromCodePoint(codePoint)}b\u0301`;
      const expected = theirs.normalizeString(text);
      if (ours.normalizeString(text) !== expected || ours.normalize(NormalizedText.from(text)).text !== expected) {
        mismatches.push(codePoint.toString(16));
      }
    }
    t.deepEqual(mismatches, [], JSON.stringify(options));
  }
});

const mixedText = fc.string({
  unit: fc.constantFrom(
    ...'aZ0 ,.!?-\'"()\t\n\r\u000b\u0000\u00a0\u2003\u3000\u200b\u00adéÉñÑßİıΣσς\u0301\u0308東京語한국カナ😀👩‍💻🏳️‍🌈\u061f\u05be\u2e3a\ufffd',
  ),
  maxLength: 40,
});

test('the training word counter cuts text as BertNormalizer + BertPreTokenizer of tokenizers do', (t) => {
  const normalizer = hf.bertNormalizer();
  const preTokenizer = hf.bertPreTokenizer();
  fc.assert(
    fc.property(mixedText, (text) => {
      const counter = new BertWordCounter(new BertNormalizer());
      counter.add(text);
      const expected = new Map<string, number>();
      for (const [word] of preTokenizer.preTokenizeString(normalizer.normalizeString(text)))
        expected.set(word, (expected.get(word) ?? 0) + 1);
      t.deepEqual([...counter.words()].sort(), [...expected].sort(), JSON.stringify(text));
    }),
    {numRuns: 400, seed: 11},
  );
});

test('the WordPiece decoder matches Hugging Face on token lists', (t) => {
  const ours = new WordPieceDecoder();
  const theirs = hf.wordPieceDecoder('##', true);
  const token = fc.constantFrom(
    'the',
    '##s',
    '.',
    ',',
    '!',
    '?',
    "'",
    'n',
    "##'",
    'do',
    'not',
    '##t',
    're',
    'm',
    've',
    's',
    '[UNK]',
    '##',
    'é',
  );
  fc.assert(
    fc.property(fc.array(token, {maxLength: 12}), (tokens) => {
      t.is(ours.decode(tokens), theirs.decode(tokens), JSON.stringify(tokens));
    }),
    {numRuns: 300, seed: 5},
  );
});
