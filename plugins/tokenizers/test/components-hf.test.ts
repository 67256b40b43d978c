import {createRequire} from 'node:module';
import {isCodexError} from '@codex-ml/core';
import test from 'ava';
import type * as HfNative from 'tokenizers';
import {OnigurumaPattern, WordLevelTokenizerFactory, loadTokenizerJson} from '../src/index.js';
import {asAsync, corpusSentences} from './helpers/bpe-fixture.js';
import {MULTILINGUAL} from './helpers/multilingual.js';

// Every tokenizer.json stage type, one by one, against Hugging Face tokenizers (Rust through napi) reading the
// same JSON: normalizers by their output, pre-tokenizers by their pieces and offsets, decoders by their text.
const hf = createRequire(import.meta.url)('tokenizers') as typeof HfNative;

const TEXTS = [...MULTILINGUAL, 'a  b   c', 'Hello-World, 1,234.56 $%& foo_bar', 'x1y22z333 0', '  ▁already▁spaced '];

function document(
  stages: Record<string, unknown>,
  model: Record<string, unknown> = {type: 'WordLevel', vocab: {'<unk>': 0}, unk_token: '<unk>'},
): string {
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    ...stages,
    model,
  });
}

function codePoints(text: string, index: number): number {
  return [...text.slice(0, index)].length;
}

const NORMALIZERS: Record<string, unknown>[] = [
  {type: 'Prepend', prepend: '▁'},
  {type: 'Replace', pattern: {String: ' '}, content: '▁'},
  {type: 'Replace', pattern: {Regex: ' {2,}'}, content: ' '},
  {type: 'Replace', pattern: {Regex: '(?i:hello|É)'}, content: '<hi>'},
  {type: 'Strip', strip_left: true, strip_right: true},
  {type: 'Strip', strip_left: false, strip_right: true},
  {type: 'Nmt'},
  {type: 'NFKC'},
  {type: 'NFD'},
  {type: 'Lowercase'},
  {type: 'Sequence', normalizers: [{type: 'NFD'}, {type: 'StripAccents'}, {type: 'Lowercase'}]},
  {type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true},
];

for (const normalizer of NORMALIZERS) {
  test(`normalizer ${JSON.stringify(normalizer)} gives Hugging Face's text`, (t) => {
    const json = document({normalizer});
    const ours = loadTokenizerJson(json, 'normalizer.json');
    const theirs = hf.Tokenizer.fromString(json).getNormalizer() as HfNative.Normalizer;
    for (const text of TEXTS) t.is(ours.normalize(text), theirs.normalizeString(text), JSON.stringify(text));
  });
}

const PRE_TOKENIZERS: Record<string, unknown>[] = [
  ...['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'].flatMap((behavior) =>
    [false, true].map((invert) => ({type: 'Split', pattern: {Regex: '\\s+|\\p{P}'}, behavior, invert})),
  ),
  {type: 'Split', pattern: {String: ' '}, behavior: 'MergedWithPrevious', invert: false},
  {
    type: 'Split',
    pattern: {
      Regex:
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    },
    behavior: 'Isolated',
    invert: false,
  },
  {type: 'Split', pattern: {Regex: '\\w+|[^\\w\\s]+|\\h+|\\d'}, behavior: 'Isolated', invert: false},
  {type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true},
  {type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false},
  {type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true},
  {type: 'Metaspace', replacement: '▁', add_prefix_space: true},
  {type: 'Digits', individual_digits: true},
  {type: 'Digits', individual_digits: false},
  {type: 'Punctuation', behavior: 'Isolated'},
  {type: 'Punctuation', behavior: 'MergedWithPrevious'},
  {type: 'UnicodeScripts'},
  {type: 'Whitespace'},
  {type: 'WhitespaceSplit'},
  {type: 'BertPreTokenizer'},
  {type: 'CharDelimiterSplit', delimiter: '-'},
  {
    type: 'Sequence',
    pretokenizers: [
      {type: 'WhitespaceSplit'},
      {type: 'Digits', individual_digits: true},
      {type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true},
    ],
  },
];

for (const preTokenizer of PRE_TOKENIZERS) {
  test(`pre-tokenizer ${JSON.stringify(preTokenizer)} gives Hugging Face's pieces and offsets`, (t) => {
    const json = document({pre_tokenizer: preTokenizer});
    const ours = loadTokenizerJson(json, 'pre-tokenizer.json').preTokenizer;
    const theirs = hf.Tokenizer.fromString(json).getPreTokenizer() as HfNative.PreTokenizer;
    for (const text of TEXTS) {
      const mine = (ours?.preTokenize(text) ?? []).map((piece) => [
        piece.text,
        [codePoints(text, piece.start), codePoints(text, piece.end)],
      ]);
      t.deepEqual(mine, theirs.preTokenizeString(text), JSON.stringify(text));
    }
  });
}

const TOKEN_LISTS: string[][] = [
  ['▁Hello', '▁wor', 'ld', '<0xE6>', '<0x9D>', '<0xB1>', '<0xFF>', '▁', '▁▁x', '##ing', 'a</w>', 'b</w>', '<pad>', '<pad>', '|', 'c', 'c'],
  ['<0xF0>', '<0x9F>', '<0x91>', '<0x8D>', 'ok', ' .', " n't", '▁end▁'],
  [],
];
const DECODERS: Record<string, unknown>[] = [
  {type: 'ByteFallback'},
  {type: 'Fuse'},
  {type: 'Strip', content: '▁', start: 2, stop: 0},
  {type: 'Replace', pattern: {String: '▁'}, content: ' '},
  {type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true},
  {type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: true},
  {type: 'WordPiece', prefix: '##', cleanup: true},
  {type: 'BPEDecoder', suffix: '</w>'},
  {type: 'CTC', pad_token: '<pad>', word_delimiter_token: '|', cleanup: true},
  {type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true},
  {
    type: 'Sequence',
    decoders: [
      {type: 'Replace', pattern: {String: '▁'}, content: ' '},
      {type: 'ByteFallback'},
      {type: 'Fuse'},
      {type: 'Strip', content: ' ', start: 1, stop: 0},
    ],
  },
];

for (const decoder of DECODERS) {
  test(`decoder ${JSON.stringify(decoder)} gives Hugging Face's text`, (t) => {
    const vocab = Object.fromEntries([...new Set(TOKEN_LISTS.flat())].map((token, id) => [token, id]));
    const json = document({decoder}, {type: 'WordLevel', vocab, unk_token: '<pad>'});
    const ours = loadTokenizerJson(json, 'decoder.json');
    const theirs = hf.Tokenizer.fromString(json).getDecoder() as HfNative.Decoder;
    for (const tokens of TOKEN_LISTS) {
      t.is(
        ours.decode(
          tokens.map((token) => vocab[token] as number),
          {skipSpecialTokens: false},
        ),
        theirs.decode(tokens),
        JSON.stringify(tokens),
      );
    }
  });
}

test('WordLevel and Unigram models encode as Hugging Face does, unknowns and byte fallback included', async (t) => {
  const words = ['<unk>', 'hello', 'world', 'the', ',', '.', '!'];
  const wordLevel = document(
    {pre_tokenizer: {type: 'Whitespace'}},
    {type: 'WordLevel', vocab: Object.fromEntries(words.map((w, i) => [w, i])), unk_token: '<unk>'},
  );
  const pieces: [string, number][] = [
    ['<unk>', 0],
    ['▁', -2],
    ['▁hello', -4],
    ['▁he', -5],
    ['llo', -5.5],
    ['l', -6],
    ['o', -6],
    ['h', -6.5],
    ['e', -6.5],
    ['▁w', -5],
    ['or', -5],
    ['ld', -5],
    ['w', -7],
    ['r', -7],
    ['d', -7],
    ...Array.from({length: 256}, (_, byte): [string, number] => [`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, 0]),
  ];
  for (const byteFallback of [false, true]) {
    const unigram = document(
      {
        pre_tokenizer: {type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true},
        decoder: {type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true},
      },
      {type: 'Unigram', unk_id: 0, vocab: pieces, byte_fallback: byteFallback},
    );
    for (const json of [wordLevel, unigram]) {
      const ours = loadTokenizerJson(json, 'model.json');
      const theirs = hf.Tokenizer.fromString(json);
      for (const text of ['hello world', 'hello, the world!', 'helloworld wxyz', 'héllo 東京 👍', ...MULTILINGUAL]) {
        const reference = await theirs.encode(text);
        t.deepEqual([...ours.encode(text).ids], reference.getIds(), JSON.stringify(text));
        t.deepEqual(
          ours.encode(text).offsets.map(([s, e]) => [codePoints(text, s), codePoints(text, e)]),
          reference.getOffsets(),
          JSON.stringify(text),
        );
      }
      t.deepEqual(JSON.parse(loadTokenizerJson(ours.toJSON(), 'again').toJSON()), JSON.parse(ours.toJSON()));
    }
  }
});

test('Sequence, ByteLevel, Roberta and Bert post-processors give Hugging Face ids, type-free offsets and masks', async (t) => {
  const vocab = Object.fromEntries(['<unk>', '<s>', '</s>', 'hello', 'world', ',', '!', 'the'].map((word, id) => [word, id]));
  const template = {
    type: 'TemplateProcessing',
    single: [{SpecialToken: {id: '<s>', type_id: 0}}, {Sequence: {id: 'A', type_id: 0}}, {SpecialToken: {id: '</s>', type_id: 0}}],
    pair: [{Sequence: {id: 'A', type_id: 0}}, {Sequence: {id: 'B', type_id: 1}}],
    special_tokens: {'<s>': {id: '<s>', ids: [1], tokens: ['<s>']}, '</s>': {id: '</s>', ids: [2], tokens: ['</s>']}},
  };
  for (const processor of [
    {type: 'Sequence', processors: [{type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false}, template]},
    {type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 1], trim_offsets: true, add_prefix_space: false},
    {type: 'BertProcessing', sep: ['</s>', 2], cls: ['<s>', 1]},
  ]) {
    const json = document({pre_tokenizer: {type: 'Whitespace'}, post_processor: processor}, {type: 'WordLevel', vocab, unk_token: '<unk>'});
    const ours = loadTokenizerJson(json, 'post.json');
    const theirs = hf.Tokenizer.fromString(json);
    for (const text of ['hello world!', 'the, hello', '']) {
      const reference = await theirs.encode(text);
      const mine = ours.encode(text);
      t.deepEqual([...mine.ids], reference.getIds(), `${processor.type}: ${text}`);
      t.deepEqual([...mine.specialTokensMask], reference.getSpecialTokensMask(), `${processor.type}: ${text}`);
      t.deepEqual(
        mine.offsets.map(([s, e]) => [s, e]),
        reference.getOffsets(),
        `${processor.type}: ${text}`,
      );
      t.deepEqual(
        [...ours.encode(text, {addSpecialTokens: false}).ids],
        (await theirs.encode(text, null, {addSpecialTokens: false})).getIds(),
      );
    }
    t.deepEqual(JSON.parse(loadTokenizerJson(ours.toJSON(), 'again').toJSON()), JSON.parse(ours.toJSON()));
  }
});

test('WordLevel training keeps the most frequent words after the special tokens, and Hugging Face loads the result', async (t) => {
  const factory = new WordLevelTokenizerFactory();
  const texts = corpusSentences().train.slice(0, 3_000);
  const trained = await factory.train(asAsync(texts), {vocabSize: 500, minFrequency: 2, specialTokens: [], pipeline: {}});
  t.is(trained.vocabSize, 500);
  t.deepEqual(
    [0, 1, 2, 3].map((id) => trained.idToToken(id)),
    ['[PAD]', '[BOS]', '[EOS]', '[UNK]'],
  );
  const counts = new Map<string, number>();
  for (const text of texts)
    for (const word of text.match(/[\p{L}\p{M}\p{Nd}\p{Pc}]+|[^\p{L}\p{M}\p{Nd}\p{Pc}\s]+/gu) ?? [])
      counts.set(word, (counts.get(word) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] as string;
  t.is(trained.tokenToId(top), 4);
  const theirs = hf.Tokenizer.fromString(trained.toJSON());
  for (const text of corpusSentences().heldOut.slice(0, 30))
    t.deepEqual((await theirs.encode(text)).getIds(), [...trained.encode(text).ids]);
  await t.throwsAsync(factory.train(asAsync(['']), {vocabSize: 10, minFrequency: 1, specialTokens: [], pipeline: {}}), {
    message: /no words/,
  });
  t.throws(() => factory.load(document({}, {type: 'BPE', vocab: {a: 0}, merges: []})), {message: /is not WordLevel/});
  t.is(factory.load(trained.toJSON()).vocabSize, 500);
  const missingUnk = document({}, {type: 'WordLevel', vocab: {a: 0}, unk_token: '<unk>'});
  t.throws(() => loadTokenizerJson(missingUnk, 'x.json').encode('b'), {message: /unk_token "<unk>" is missing/});
});

test('Oniguruma constructs translate or are refused naming the construct', (t) => {
  const cases: [string, string, string[]][] = [
    ["(?i:'s|'t)x", "'Sx 'tx 'sX", ["'Sx", "'tx"]],
    ['\\p{Han}+|\\p{Latin}+', 'abc東京def', ['abc', '東京', 'def']],
    ['\\x{41}\\x42\\h+', 'AB0fF AB9', ['AB0fF', 'AB9']],
    ['(?>a+)b|a++c|\\Aq|z\\z', 'aab aaac qz', ['aab', 'aaac', 'z']],
    ['[[:alpha:]]+|[^[:alpha:][:space:]]+', 'ab12 c', ['ab', '12', 'c']],
    ['.+', 'a\nb', ['a', 'b']],
    ['\\s+', 'a\u0085b\ufeffc', ['\u0085']],
    ['(?:\\r\\n|\\n)+|(?:ab|cd)*x', 'a\r\n\nabcdx', ['\r\n\n', 'abcdx']],
    ['(?<=a)b|(?<!a)c|\\p{^L}+|[\\p{Lu}\\d]+|(?i)q', 'ab c 12 AB Q', ['b', ' ', 'c', ' 12 ', 'AB', ' ', 'Q']],
    ['\\w+\\b|[\\s\\w]?x{2,}|y{,2}z|(?#note)\\W', 'ab, xxx yyz', ['ab', ',', ' xxx', ' ', 'yyz']],
  ];
  for (const [source, text, expected] of cases) {
    t.deepEqual(text.match(new OnigurumaPattern(source).matcher()), expected, source);
  }
  for (const [source, construct] of [
    ['(a)\\1', 'backreference'],
    ['[a-z&&[^aeiou]]', 'intersection'],
    ['(?x) a', 'extended'],
    ['\\G', 'escape \\\\G'],
    ['(a+)+$', 'backtrack catastrophically'],
    ['(\\w+\\s?)*$', 'backtrack catastrophically'],
    ['(a|ab)*c', 'backtrack catastrophically'],
    ['\\s*\\s*x', 'backtrack polynomially'],
  ] as const) {
    const error = t.throws(() => new OnigurumaPattern(source, 'f.json: $.pre_tokenizer.pattern.Regex'));
    t.true(isCodexError(error), source);
    t.regex(error?.message ?? '', new RegExp(construct), source);
    t.regex(error?.message ?? '', /^f\.json: \$\.pre_tokenizer\.pattern\.Regex: regex /);
  }
});
