import {ExitCode, isCodexError} from '@codex-ml/core';
import {tokenizerConformance} from '@codex-ml/core/testing';
import test from 'ava';
import fc from 'fast-check';
import {WordPieceDecoder} from '../src/wordpiece/wordpiece-decoder.js';
import {WordPieceModel} from '../src/wordpiece/wordpiece-model.js';
import {WordPieceTokenizerFactory} from '../src/wordpiece/wordpiece-tokenizer-factory.js';
import {WordPieceTrainer} from '../src/wordpiece/wordpiece-trainer.js';
import {asAsync, smallWordPiece, wordPieceCorpus} from './wordpiece-fixtures.js';

const factory = new WordPieceTokenizerFactory();

function model(tokens: readonly string[], maxInputCharsPerWord?: number): WordPieceModel {
  return new WordPieceModel(new Map(tokens.map((token, id) => [token, id])), {maxInputCharsPerWord});
}

const TOY = model(['[UNK]', 'un', '##aff', '##able', 'u', '##n', '##a', '##f', 'a', '##ble', '🙂', '##🙂', 'é']);

test('greedy longest match first, continuation pieces with ##, offsets per piece', (t) => {
  const tokens = TOY.tokenize('unaffable');
  t.deepEqual(
    tokens.map((token) => TOY.idToToken(token.id)),
    ['un', '##aff', '##able'],
  );
  t.deepEqual(
    tokens.map((token) => [token.start, token.end]),
    [
      [0, 2],
      [2, 5],
      [5, 9],
    ],
  );
  t.deepEqual(
    TOY.tokenize('una').map((token) => TOY.idToToken(token.id)),
    ['un', '##a'],
  );
});

test('a word with an unspellable part, or longer than maxInputCharsPerWord, is one [UNK]', (t) => {
  t.deepEqual(TOY.tokenize('unxable'), [{id: 0, start: 0, end: 7}]);
  t.deepEqual(TOY.tokenize('x'), [{id: 0, start: 0, end: 1}]);
  const short = model(['[UNK]', 'a', '##a'], 3);
  t.is(short.tokenize('aaa').length, 3);
  t.deepEqual(short.tokenize('aaaa'), [{id: 0, start: 0, end: 4}]);
  // Characters count as code points: three emoji are six code units but three characters.
  const emoji = model(['[UNK]', '🙂', '##🙂'], 3);
  t.deepEqual(
    emoji.tokenize('🙂🙂🙂').map((token) => [token.id, token.start, token.end]),
    [
      [1, 0, 2],
      [2, 2, 4],
      [2, 4, 6],
    ],
  );
});

test('astral characters are never split into surrogates', (t) => {
  t.deepEqual(
    TOY.tokenize('🙂🙂').map((token) => TOY.idToToken(token.id)),
    ['🙂', '##🙂'],
  );
  t.deepEqual(TOY.tokenize('u🙃'), [{id: 0, start: 0, end: 3}]);
});

test('a model without its unknown token fails clearly on an unknown word', (t) => {
  const bare = model(['a', '##b']);
  t.deepEqual(bare.tokenize('ab').length, 2);
  const error = t.throws(() => bare.tokenize('zz'));
  t.true(isCodexError(error) && error.code === 'E_TOKENIZER' && error.message.includes('[UNK]'), error?.message);
});

test('the decoder glues ## pieces, spaces words and drops the space before . , ! ?', (t) => {
  const decoder = new WordPieceDecoder();
  t.is(decoder.decode(['un', '##aff', '##able', ',', 'he', 'said', '!', 'ok', '?', 'fine', '.']), 'unaffable, he said! ok? fine.');
  t.is(decoder.decode(['##x', 'y']), '##x y');
  t.is(new WordPieceDecoder('##', false).decode(['a', ',', 'b']), 'a , b');
});

test('default special tokens take ids 0-3, then the alphabet and ## pieces by code point', async (t) => {
  const tokenizer = await factory.train(asAsync(['b a c', 'ab ca']), {vocabSize: 12, minFrequency: 1, specialTokens: [], pipeline: {}});
  const vocab = Array.from({length: tokenizer.vocabSize}, (_, id) => tokenizer.idToToken(id));
  t.deepEqual(vocab.slice(0, 9), ['[PAD]', '[BOS]', '[EOS]', '[UNK]', 'a', 'b', 'c', '##a', '##b']);
  t.deepEqual(tokenizer.specialTokens, {pad: '[PAD]', bos: '[BOS]', eos: '[EOS]', unk: '[UNK]'});
  const encoding = tokenizer.encode('ab x');
  t.deepEqual(encoding.tokens, ['[BOS]', 'ab', '[UNK]', '[EOS]']);
  t.deepEqual(encoding.specialTokensMask, [1, 0, 0, 1]);
});

test('configured special tokens take ids 0… in their order', async (t) => {
  const tokenizer = await factory.train(asAsync(['hello world']), {
    vocabSize: 40,
    minFrequency: 1,
    specialTokens: ['[CLS]', '[SEP]', '[UNK]', '[PAD]', '[MASK]'],
    pipeline: {},
  });
  t.deepEqual(
    ['[CLS]', '[SEP]', '[UNK]', '[PAD]', '[MASK]'].map((token) => tokenizer.tokenToId(token)),
    [0, 1, 2, 3, 4],
  );
  t.deepEqual(tokenizer.encode('hello').tokens, ['[CLS]', 'hello', '[SEP]']);
});

test('special tokens without the unknown token are refused', async (t) => {
  const error = await t.throwsAsync(
    factory.train(asAsync(['a b']), {vocabSize: 40, minFrequency: 1, specialTokens: ['[PAD]'], pipeline: {}}),
  );
  t.true(isCodexError(error) && error.code === 'E_CONFIG' && error.message.includes('[UNK]'), error?.message);
});

test('a vocab size below specials + alphabet + ## pieces is a clear error', async (t) => {
  const error = await t.throwsAsync(factory.train(asAsync(['abc cab']), {vocabSize: 8, minFrequency: 1, specialTokens: [], pipeline: {}}));
  t.true(isCodexError(error) && error.exitCode === ExitCode.usage);
  t.is(
    error?.message,
    'vocab size 8 is smaller than the initial WordPiece vocabulary of 10 tokens (4 special, 3 characters, 3 ##-continuations)',
  );
});

test('an empty corpus is refused', async (t) => {
  const error = await t.throwsAsync(
    factory.train(asAsync(['', '  \n ']), {vocabSize: 100, minFrequency: 1, specialTokens: [], pipeline: {}}),
  );
  t.true(isCodexError(error) && error.code === 'E_TOKENIZER' && error.exitCode === ExitCode.input, error?.message);
});

test('unknown or mistyped trainer parameters are refused', async (t) => {
  const options = {vocabSize: 100, minFrequency: 1, specialTokens: [], pipeline: {}};
  for (const params of [{continuingSubwordPrefx: '##'}, {maxInputCharsPerWord: 0}, {unkToken: 3}]) {
    const error = await t.throwsAsync(factory.train(asAsync(['a b']), {...options, params}));
    t.true(isCodexError(error) && error.code === 'E_CONFIG', error?.message);
  }
  const byteLevel = await t.throwsAsync(factory.train(asAsync(['a b']), {...options, pipeline: {preTokenizer: 'byte-level'}}));
  t.true(isCodexError(byteLevel) && byteLevel.code === 'E_CONFIG');
});

test('limitAlphabet keeps the most frequent characters; words needing the others become [UNK]', async (t) => {
  const tokenizer = await factory.train(asAsync(['aaa bbb ab ba c']), {
    vocabSize: 100,
    minFrequency: 1,
    specialTokens: [],
    limitAlphabet: 2,
    pipeline: {},
  });
  t.is(tokenizer.tokenToId('c'), undefined);
  t.deepEqual(tokenizer.encode('ab c', {addSpecialTokens: false}).tokens, ['ab', '[UNK]']);
});

test('a custom continuation prefix is used by the model and the decoder', async (t) => {
  const tokenizer = await factory.train(asAsync(['abc abd']), {
    vocabSize: 13,
    minFrequency: 1,
    specialTokens: [],
    pipeline: {},
    params: {continuingSubwordPrefix: '@@'},
  });
  t.deepEqual(tokenizer.encode('abd', {addSpecialTokens: false}).tokens, ['ab', '@@d']);
  t.is(tokenizer.decode(tokenizer.encode('abd abc').ids), 'abd abc');
});

test('training is identical whatever the order of the corpus', async (t) => {
  const {train} = wordPieceCorpus();
  const texts = train.slice(0, 1500);
  const options = {vocabSize: 1200, minFrequency: 2, specialTokens: [], pipeline: {}};
  const shuffled = texts.map((text, i) => [(i * 7919) % texts.length, text] as const).sort((a, b) => a[0] - b[0]);
  const a = (await factory.train(asAsync(texts), options)).toJSON();
  const b = (await factory.train(asAsync(shuffled.map(([, text]) => text)), options)).toJSON();
  const c = (await factory.train(asAsync([texts.join('\n')]), options)).toJSON();
  t.is(a, b);
  t.is(a, c);
});

test('the trainer reads word counts, not their order; ties go to the smaller pair of ids', (t) => {
  const trainer = new WordPieceTrainer({vocabSize: 12, specialTokens: ['[UNK]']});
  const forward = trainer.train(
    new Map([
      ['ab', 2],
      ['cd', 2],
    ]),
  );
  const backward = trainer.train(
    new Map([
      ['cd', 2],
      ['ab', 2],
    ]),
  );
  t.deepEqual(forward.vocabEntries(), backward.vocabEntries());
  // [UNK] a b c d ##b ##d, then the tie between (a, ##b) and (c, ##d) goes to the smaller ids: ab first.
  t.deepEqual(
    forward.vocabEntries().map(([token]) => token),
    ['[UNK]', 'a', 'b', 'c', 'd', '##b', '##d', 'ab', 'cd'],
  );
});

test('the alphabet is numbered by code point, not by first appearance', (t) => {
  const vocab = new WordPieceTrainer({vocabSize: 4, specialTokens: ['[UNK]']}).train(new Map([['ba', 1]]));
  t.deepEqual(
    vocab.vocabEntries().map(([token]) => token),
    ['[UNK]', 'a', 'b', '##a'],
  );
});

test('loading refuses non-WordPiece models, missing vocabularies, shared ids and __proto__ keys, naming the file and key', async (t) => {
  const json = JSON.parse((await smallWordPiece()).toJSON()) as {model: Record<string, unknown>};
  const cases: [unknown, RegExp][] = [
    [{...json, model: {...json.model, type: 'BPE'}}, /broken\.json.*(BPE|model)/],
    [{...json, model: {...json.model, vocab: undefined}}, /broken\.json: \$\.model\.vocab: expected an object/],
    [{...json, model: {...json.model, vocab: {a: 0, b: 0}}}, /broken\.json: .*\$\.model\.vocab\["b"\].*"a"/],
    [{...json, version: '2.0'}, /broken\.json: \$\.version/],
  ];
  for (const [document, pattern] of cases) {
    const error = t.throws(() => factory.load(JSON.stringify(document), 'broken.json'));
    t.true(isCodexError(error) && error.code === 'E_TOKENIZER', error?.message);
    t.regex(error?.message ?? '', pattern);
  }
  const proto = t.throws(() => factory.load('{"version": "1.0", "__proto__": {}}', 'broken.json'));
  t.regex(proto?.message ?? '', /__proto__/);
});

test('decode(encode(x)) is normalize(x) for words of the alphabet separated by single spaces', async (t) => {
  const tokenizer = await smallWordPiece();
  const letters = [...'abcdefghijklmnopqrstuvwxyz0123456789'].filter((letter) => tokenizer.tokenToId(letter) !== undefined);
  const word = fc.array(fc.constantFrom(...letters), {minLength: 1, maxLength: 12}).map((chars) => chars.join(''));
  fc.assert(
    fc.property(fc.array(word, {maxLength: 8}), (words) => {
      const text = words.join(' ');
      return tokenizer.decode(tokenizer.encode(text).ids) === tokenizer.normalize(text);
    }),
    {numRuns: 300, seed: 4},
  );
  // Case and accents are normalized away first; the round trip is to the normalized text.
  t.is(tokenizer.normalize('Café NAÏVE'), 'cafe naive');
  t.is(tokenizer.decode(tokenizer.encode('Café NAÏVE').ids), 'cafe naive');
  t.is(tokenizer.decode(tokenizer.encode('').ids), '');
});

tokenizerConformance(test, {
  name: 'tokenizer wordpiece',
  create: () => smallWordPiece(),
  load: (json) => factory.load(json),
  samples: ['the quick brown fox jumps over the lazy dog', 'a tokenizer splits text into tokens', 'the dog and the fox', ''],
  training: {
    factory,
    corpus: wordPieceCorpus().train.slice(0, 300),
    options: {vocabSize: 500, minFrequency: 2, specialTokens: [], pipeline: {}},
  },
});
