import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import type * as HfNative from 'tokenizers';
import {
  NormalizedText,
  PrecompiledNormalizer,
  UnigramTokenizerFactory,
  WordLevelTokenizerFactory,
  loadTokenizerJson,
} from '../src/index.js';
import {asAsync, corpusSentences} from './helpers/bpe-fixture.js';
import {MULTILINGUAL} from './helpers/multilingual.js';
import {readSentencePieceModel} from './helpers/sentencepiece-model.js';

// SentencePiece (Debian `sentencepiece`: spm_train, spm_encode) is the reference for Unigram: its model converted
// to tokenizer.json as Hugging Face converts T5/ALBERT files must encode here as there and as spm_encode does, and
// our trainer must be deterministic and compress about as well as spm_train on the same corpus.
const hf = createRequire(import.meta.url)('tokenizers') as typeof HfNative;

interface Fixture {
  readonly dir: string;
  readonly corpus: string[];
  readonly heldOut: string[];
  readonly model: ReturnType<typeof readSentencePieceModel>;
}

let fixture: Fixture | undefined;
function spm(): Fixture {
  if (fixture) return fixture;
  const dir = mkdtempSync(join(tmpdir(), 'codex-spm-'));
  const {train, heldOut} = corpusSentences();
  const corpus = train.slice(0, 12_000);
  writeFileSync(join(dir, 'corpus.txt'), `${corpus.join('\n')}\n`);
  execFileSync(
    'spm_train',
    [
      `--input=${join(dir, 'corpus.txt')}`,
      `--model_prefix=${join(dir, 'm')}`,
      '--vocab_size=2000',
      '--model_type=unigram',
      '--num_threads=1',
      '--minloglevel=2',
    ],
    {stdio: 'ignore'},
  );
  const clean = heldOut
    .slice(0, 400)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0);
  fixture = {dir, corpus, heldOut: clean, model: readSentencePieceModel(readFileSync(join(dir, 'm.model')))};
  return fixture;
}
test.after.always(() => {
  if (fixture) rmSync(fixture.dir, {recursive: true, force: true});
});

/** The tokenizer.json Hugging Face's converter writes for a SentencePiece Unigram model (T5, ALBERT layout). */
function convertedJson(model: Fixture['model']): string {
  const unk = model.pieces.findIndex((piece) => piece.type === 2);
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: model.pieces
      .map((piece, id) => ({piece, id}))
      .filter(({piece}) => piece.type === 2 || piece.type === 3)
      .map(({piece, id}) => ({
        id,
        content: piece.piece,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        {type: 'Precompiled', precompiled_charsmap: Buffer.from(model.precompiledCharsmap).toString('base64')},
        {type: 'Replace', pattern: {Regex: ' {2,}'}, content: ' '},
      ],
    },
    pre_tokenizer: {type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true},
    post_processor: null,
    decoder: {type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true},
    model: {type: 'Unigram', unk_id: unk, vocab: model.pieces.map((piece) => [piece.piece, piece.score]), byte_fallback: false},
  });
}

test.serial('a SentencePiece Unigram model converted to tokenizer.json encodes as Hugging Face tokenizers and as spm_encode', async (t) => {
  const {dir, heldOut, model} = spm();
  const json = convertedJson(model);
  const ours = loadTokenizerJson(json, 'spm.json');
  const theirs = hf.Tokenizer.fromString(json);
  for (const text of [...heldOut.slice(0, 150), ...MULTILINGUAL]) {
    const reference = await theirs.encode(text);
    t.deepEqual([...ours.encode(text).ids], reference.getIds(), JSON.stringify(text));
    t.is(ours.decode([...ours.encode(text).ids]), await theirs.decode(reference.getIds(), true), JSON.stringify(text));
  }
  writeFileSync(join(dir, 'held.txt'), `${heldOut.join('\n')}\n`);
  const spmIds = execFileSync('spm_encode', [`--model=${join(dir, 'm.model')}`, '--output_format=id', join(dir, 'held.txt')], {
    encoding: 'utf8',
  })
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? [] : line.split(' ').map(Number)));
  heldOut.forEach((text, i) => {
    t.deepEqual(ours.encodeIds(text, false), spmIds[i], JSON.stringify(text));
  });
});

test.serial("the Precompiled normalizer (SentencePiece's compiled nmt_nfkc rules) gives Hugging Face's text", (t) => {
  const {model} = spm();
  const ours = new PrecompiledNormalizer(model.precompiledCharsmap);
  const theirs = hf.precompiled([...model.precompiledCharsmap]);
  for (const text of [...MULTILINGUAL, '\u00a0nbsp\u3000ideographic\u2002en ﬁ ＡＢＣ ① ½']) {
    t.is(ours.normalize(NormalizedText.from(text)).text, theirs.normalizeString(text), JSON.stringify(text));
  }
  t.deepEqual(JSON.parse(JSON.stringify(ours.toJSON())).precompiled_charsmap, Buffer.from(model.precompiledCharsmap).toString('base64'));
});

test.serial(
  'Unigram training is deterministic whatever the corpus order and compresses held-out text about as well as spm_train',
  async (t) => {
    const {corpus, heldOut, dir} = spm();
    const options = {vocabSize: 2000, minFrequency: 0, specialTokens: ['<unk>', '<s>', '</s>'], pipeline: {}};
    const factory = new UnigramTokenizerFactory();
    const a = await factory.train(asAsync(corpus), options);
    const shuffled = [...corpus].reverse();
    shuffled.push(...shuffled.splice(0, 3_000));
    const b = await factory.train(asAsync(shuffled), options);
    t.is(a.toJSON(), b.toJSON());
    t.is(a.vocabSize, 2000);
    // Saved and loaded back, here and in Hugging Face tokenizers, it encodes the same.
    const theirs = hf.Tokenizer.fromString(a.toJSON());
    for (const text of heldOut.slice(0, 60)) t.deepEqual((await theirs.encode(text)).getIds(), [...a.encode(text).ids], text);
    let bytes = 0;
    let ours = 0;
    for (const text of heldOut) {
      bytes += Buffer.byteLength(text);
      ours += a.encodeIds(text, false).length;
    }
    const spmTokens = execFileSync('spm_encode', [`--model=${join(dir, 'm.model')}`, '--output_format=id', join(dir, 'held.txt')], {
      encoding: 'utf8',
    })
      .trimEnd()
      .split('\n')
      .reduce((sum, line) => sum + (line === '' ? 0 : line.split(' ').length), 0);
    const ratio = bytes / ours / (bytes / spmTokens);
    t.log(`bytes/token: ours ${(bytes / ours).toFixed(3)}, spm_train ${(bytes / spmTokens).toFixed(3)} (ratio ${ratio.toFixed(3)})`);
    t.true(ratio > 0.97, `bytes/token ratio ${ratio}`);
  },
);

test('Unigram and WordLevel train the same from counts summed over parts of the corpus as from the whole', async (t) => {
  const texts = corpusSentences().train.slice(0, 3_000);
  const options = {vocabSize: 600, minFrequency: 1, specialTokens: [], pipeline: {}};
  for (const factory of [new UnigramTokenizerFactory(), new WordLevelTokenizerFactory()]) {
    const whole = await factory.train(asAsync(texts), options);
    const summed = new Map<string, number>();
    for (const part of [texts.slice(0, 1_000), texts.slice(1_000)]) {
      for (const [word, count] of await factory.countWords(asAsync(part), options)) summed.set(word, (summed.get(word) ?? 0) + count);
    }
    t.is((await factory.trainFromCounts(summed, options)).toJSON(), whole.toJSON(), factory.modelType);
  }
});

test('the unigram backend refuses special tokens without an unknown token and unknown trainer keys', async (t) => {
  const factory = new UnigramTokenizerFactory();
  const base = {vocabSize: 100, minFrequency: 0, pipeline: {}};
  await t.throwsAsync(factory.train(asAsync(['a b c']), {...base, specialTokens: ['<s>']}), {message: /lack an unknown token/});
  await t.throwsAsync(factory.train(asAsync(['a b c']), {...base, specialTokens: [], params: {shrinking: 2}}), {
    message: /tokenizer\.unigram\.shrinking is not a Unigram trainer parameter/,
  });
  await t.throwsAsync(factory.train(asAsync(['a b c']), {...base, specialTokens: [], params: {characterCoverage: 2}}), {
    message: /characterCoverage must be a number in \(0, 1\]/,
  });
  await t.throwsAsync(factory.train(asAsync(['']), {...base, specialTokens: []}), {message: /no words/});
  const small = await factory.train(asAsync(['hello world', 'hello there', 'world peace']), {
    ...base,
    vocabSize: 300,
    specialTokens: [],
    params: {byteFallback: true},
  });
  t.deepEqual(small.decode([...small.encode('hello 東京').ids]), 'hello 東京');
  t.throws(() => factory.load(JSON.stringify({...JSON.parse(small.toJSON()), model: {type: 'WordLevel', vocab: {a: 0}, unk_token: 'a'}})), {
    message: /is not Unigram/,
  });
});
