import test from 'ava';
import fc from 'fast-check';
import {
  BpeTokenizerFactory,
  PipelineTokenizer,
  type PreTokenizer,
  SequencePreTokenizer,
  UnicodeNormalizer,
  wellFormed,
} from '../src/index.js';
import {asAsync, corpusSentences, smallBpe} from './helpers/bpe-fixture.js';

const samples: Record<string, string> = {
  ascii: 'Hello, world! The quick brown fox jumps over 13 lazy dogs.',
  cjk: '東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.',
  combining: 'e\u0301 a\u0308 n\u0303 Z\u0351\u0354\u0307 ḁ̸̢',
  rtl: 'שלום עולם مرحبا بالعالم',
  zwj: '👨‍👩‍👧‍👦 🏳️‍🌈 👩🏽‍💻 🇯🇵',
  whitespace: '  two  spaces\t\ttabs\n\n\nnewlines \u00a0nbsp   ',
  empty: '',
  loneSurrogates: 'a\uD800b\uDFFFc\uD83D',
};

for (const [name, text] of Object.entries(samples)) {
  test(`decode(encode(x)) === normalize(x): ${name}`, async (t) => {
    const tokenizer = await smallBpe();
    const encoding = tokenizer.encode(text);
    t.is(tokenizer.decode(encoding.ids), tokenizer.normalize(text));
    t.is(tokenizer.normalize(text), wellFormed(text));
    t.deepEqual(tokenizer.encodeIds(text), [...encoding.ids]);
  });
}

test('round trip holds for arbitrary strings, lone surrogates becoming U+FFFD', async (t) => {
  const tokenizer = await smallBpe();
  fc.assert(
    fc.property(fc.string({unit: 'binary', maxLength: 60}), (text) => {
      const ids = tokenizer.encode(text, {addSpecialTokens: false}).ids;
      return tokenizer.decode(ids) === tokenizer.normalize(text) && tokenizer.normalize(text) === wellFormed(text);
    }),
    {numRuns: 300, seed: 42},
  );
  fc.assert(
    fc.property(fc.string({unit: 'grapheme', maxLength: 40}), (text) => tokenizer.decode(tokenizer.encode(text).ids) === text),
    {numRuns: 300, seed: 7},
  );
  t.pass();
});

test('offsets point into the input and cover what each token spells', async (t) => {
  const tokenizer = await smallBpe();
  const text = 'Héllo wörld, 東京 👍!';
  const encoding = tokenizer.encode(text, {addSpecialTokens: false});
  let rebuilt = '';
  let last = 0;
  for (const [start, end] of encoding.offsets) {
    t.true(start >= 0 && end <= text.length && start <= end);
    if (start >= last) rebuilt += text.slice(start, end);
    last = Math.max(last, end);
  }
  t.is(rebuilt, text);
});

test('special tokens sit at ids 0, 1, 2 and wrap encodings', async (t) => {
  const tokenizer = await smallBpe();
  t.is(tokenizer.tokenToId('[PAD]'), 0);
  t.is(tokenizer.tokenToId('[BOS]'), 1);
  t.is(tokenizer.tokenToId('[EOS]'), 2);
  t.deepEqual(tokenizer.specialTokens, {pad: '[PAD]', bos: '[BOS]', eos: '[EOS]'});
  const encoding = tokenizer.encode('plain text');
  t.is(encoding.ids[0], 1);
  t.is(encoding.ids.at(-1), 2);
  t.deepEqual(encoding.specialTokensMask, [1, ...new Array(encoding.ids.length - 2).fill(0), 1]);
  t.false(tokenizer.encode('plain text', {addSpecialTokens: false}).ids.includes(1));
  t.is(tokenizer.decode(encoding.ids), 'plain text');
  t.is(tokenizer.decode(encoding.ids, {skipSpecialTokens: false}), '[BOS]plain text[EOS]');
  // Ordinary text never merges into a special token.
  const ids = tokenizer.encode('PAD BOS EOS [ ] [PA D]', {addSpecialTokens: false}).ids;
  t.false(ids.some((id) => id < 3));
});

test('padding: every row has the target length, the mask is 0 exactly on pads, decode skips pads', async (t) => {
  const tokenizer = await smallBpe();
  const texts = ['a', 'a somewhat longer sentence with several words', '', '東京'];
  for (const side of ['left', 'right'] as const) {
    const longest = tokenizer.encodeBatch(texts, {padding: {length: 'longest', side}});
    const target = Math.max(...texts.map((text) => tokenizer.encode(text).ids.length));
    const fixed = tokenizer.encodeBatch(texts, {padding: {length: 64, side}});
    for (const [batch, length] of [
      [longest, target],
      [fixed, 64],
    ] as const) {
      batch.forEach((row, i) => {
        t.is(row.ids.length, length);
        t.is(row.attentionMask.length, length);
        row.ids.forEach((id, j) => {
          t.is(row.attentionMask[j], id === 0 && row.tokens[j] === '[PAD]' ? 0 : 1);
        });
        t.is(tokenizer.decode(row.ids), texts[i] as string);
        const unpadded = tokenizer.encode(texts[i] as string).ids;
        t.deepEqual(
          row.ids.filter((_, j) => row.attentionMask[j] === 1),
          [...unpadded],
        );
        if (side === 'left') t.deepEqual(row.ids.slice(length - unpadded.length), [...unpadded]);
        else t.deepEqual(row.ids.slice(0, unpadded.length), [...unpadded]);
      });
    }
  }
});

test('truncation with stride: windows overlap by the stride and together cover every token', async (t) => {
  const tokenizer = await smallBpe();
  const text = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen';
  const full = tokenizer.encode(text, {addSpecialTokens: false}).ids;
  const step = 5 - 2;
  for (const side of ['right', 'left'] as const) {
    const encoding = tokenizer.encode(text, {addSpecialTokens: false, truncation: {maxLength: 5, stride: 2, side}});
    const windows = [encoding, ...encoding.overflowing].map((window) => [...window.ids]);
    t.true(windows.length > 1);
    windows.forEach((window, k) => {
      const expected =
        side === 'right'
          ? full.slice(k * step, Math.min(k * step + 5, full.length))
          : full.slice(Math.max(0, full.length - k * step - 5), full.length - k * step);
      t.deepEqual(window, [...expected]);
    });
    // Together the windows cover every token: the last window reaches the far end.
    const last = windows.at(-1) as number[];
    if (side === 'right') t.deepEqual(last.slice(-1), [...full.slice(-1)]);
    else t.deepEqual(last.slice(0, 1), [...full.slice(0, 1)]);
  }
  const withSpecials = tokenizer.encode(text, {truncation: {maxLength: 6}, padding: {length: 6}});
  t.is(withSpecials.ids.length, 6);
  t.is(withSpecials.ids[0], 1);
  t.is(withSpecials.ids[5], 2);
  for (const window of withSpecials.overflowing) {
    t.is(window.ids[0], 1);
    t.is(window.ids.length, 6);
  }
});

test('encodeBatch equals encode row by row', async (t) => {
  const tokenizer = await smallBpe();
  const texts = ['first', 'second text', '第三'];
  t.deepEqual(
    tokenizer.encodeBatch(texts).map((encoding) => encoding.ids),
    texts.map((text) => tokenizer.encode(text).ids),
  );
});

test('the byte-level fast path and the general pipeline path give identical encodings, with or without a normalizer', async (t) => {
  const tokenizer = await smallBpe();
  // A Sequence around the byte-level pre-tokenizer offers no fast path: encoding takes the general
  // normalize → pre-tokenize → model route, which must agree exactly.
  const build = (fast: boolean, normalizer: UnicodeNormalizer | undefined) =>
    new PipelineTokenizer({
      model: tokenizer.model,
      normalizer,
      preTokenizer: fast ? tokenizer.preTokenizer : new SequencePreTokenizer([tokenizer.preTokenizer as PreTokenizer]),
      postProcessor: tokenizer.postProcessor,
      decoder: tokenizer.decoder,
      addedTokens: tokenizer.addedVocabulary.tokens,
    });
  const texts = ['Héllo wörld, 東京 👍! [EOS] tail', "it's   spaced\n\nout", 'مرحبا 👨‍👩‍👧 x', 'ﬁne Ａ① e\u0301 ㍿ x'];
  for (const normalizer of [undefined, new UnicodeNormalizer('NFKC')]) {
    const fast = build(true, normalizer);
    const general = build(false, normalizer);
    for (const text of texts) {
      t.deepEqual(fast.encode(text), general.encode(text), text);
      t.deepEqual(fast.encodeIds(text), [...general.encode(text).ids], text);
    }
  }
  t.deepEqual(build(true, undefined).encode(texts[0] as string), tokenizer.encode(texts[0] as string));
});

test('training reports word counting and merges to the progress sink', async (t) => {
  const events: string[] = [];
  const advanced = new Map<string, number>();
  const totals = new Map<string, number>();
  const sink = {
    start(stage: string, total: number) {
      events.push(`start ${stage}`);
      totals.set(stage, total);
    },
    advance(stage: string, by: number) {
      advanced.set(stage, (advanced.get(stage) ?? 0) + by);
    },
    finish(stage: string) {
      events.push(`finish ${stage}`);
    },
  };
  const texts = corpusSentences().train.slice(0, 500);
  const tokenizer = await new BpeTokenizerFactory().train(
    asAsync(texts),
    {vocabSize: 400, minFrequency: 0, specialTokens: ['[PAD]', '[BOS]', '[EOS]'], pipeline: {}},
    sink,
  );
  t.deepEqual(events, ['start count', 'finish count', 'start merges', 'finish merges']);
  t.is(advanced.get('count'), texts.length);
  t.is(totals.get('merges'), 400 - 3 - 256);
  t.is(advanced.get('merges'), tokenizer.vocabSize - 3 - 256);
  t.is(tokenizer.vocabSize, 400);
});
