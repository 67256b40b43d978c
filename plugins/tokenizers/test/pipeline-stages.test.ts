import {createRequire} from 'node:module';
import test from 'ava';
import fc from 'fast-check';
import {
  BertPreTokenizer,
  ByteLevelPreTokenizer,
  LowercaseNormalizer,
  NormalizedText,
  type Normalizer,
  type PreTokenizer,
  SequenceNormalizer,
  StripAccentsNormalizer,
  UnicodeNormalizer,
  WhitespacePreTokenizer,
  WhitespaceSplitPreTokenizer,
} from '../src/index.js';

interface NativeStage {
  normalizeString?(text: string): string;
  preTokenizeString?(text: string): [string, [number, number]][];
}
type Native = Record<string, (...args: unknown[]) => NativeStage>;
const native = createRequire(import.meta.url)('tokenizers') as Native;
const hf = (name: string, ...args: unknown[]) => (native[name] as (...a: unknown[]) => NativeStage)(...args);

const curated = [
  'Héllo WÖRLD — Ǆ ǅ İstanbul ΣΊΣΥΦΟΣ ß ﬁ ①②',
  'e\u0301 a\u0308 n\u0303 Z\u0351\u0354 ḁ̸̢ 한국어 \u1100\u1161\u11a8',
  '東京 ｶﾀｶﾅ ＡＢＣ ﹖ ㍿ ℌ',
  "don't  stop\t\tthe  music!!! (really?) 3.14 — “quoted” ¿qué?",
  '👨‍👩‍👧‍👦 🏳️‍🌈 x\u00a0y\u3000z\u2028w',
  '',
];
// Characters from long-assigned blocks: the two implementations carry different Unicode versions, so recently
// added characters (normalization mappings, punctuation) may legitimately differ.
const codePoint = fc.oneof(
  fc.integer({min: 0x20, max: 0x24f}),
  fc.integer({min: 0x300, max: 0x36f}),
  fc.integer({min: 0x370, max: 0x4ff}),
  fc.integer({min: 0x2000, max: 0x206f}),
  fc.integer({min: 0x3000, max: 0x303f}),
  fc.integer({min: 0x4e00, max: 0x4fff}),
  fc.integer({min: 0xac00, max: 0xad00}),
  fc.integer({min: 0xff00, max: 0xff60}),
  fc.integer({min: 0x1f600, max: 0x1f64f}),
  fc.constantFrom(0x09, 0x0a, 0x0d, 0xa0, 0x2028, 0x200d, 0xfe0f),
);
const texts = fc.string({unit: codePoint.map((code) => String.fromCodePoint(code)), maxLength: 30});

const normalizers: [string, () => Normalizer, () => NativeStage][] = [
  ['NFC', () => new UnicodeNormalizer('NFC'), () => hf('nfcNormalizer')],
  ['NFD', () => new UnicodeNormalizer('NFD'), () => hf('nfdNormalizer')],
  ['NFKC', () => new UnicodeNormalizer('NFKC'), () => hf('nfkcNormalizer')],
  ['NFKD', () => new UnicodeNormalizer('NFKD'), () => hf('nfkdNormalizer')],
  ['Lowercase', () => new LowercaseNormalizer(), () => hf('lowercase')],
  [
    'Sequence(NFD, StripAccents, Lowercase)',
    () => new SequenceNormalizer([new UnicodeNormalizer('NFD'), new StripAccentsNormalizer(), new LowercaseNormalizer()]),
    () => hf('sequenceNormalizer', [hf('nfdNormalizer'), hf('stripAccentsNormalizer'), hf('lowercase')]),
  ],
];

for (const [name, ours, theirs] of normalizers) {
  test(`normalizer ${name} matches tokenizers and keeps every code unit aligned`, (t) => {
    const mine = ours();
    const reference = theirs();
    const check = (text: string) => {
      const normalized = mine.normalize(NormalizedText.from(text));
      t.is(normalized.text, reference.normalizeString?.(text) ?? '', text);
      for (let i = 0; i < normalized.text.length; i++) {
        const [start, end] = normalized.originalRange(i, i + 1);
        t.true(start >= 0 && start <= end && end <= text.length);
      }
      // Alignment is monotone: later normalized code units never map before earlier ones.
      for (let i = 1; i < normalized.text.length; i++) {
        t.true(normalized.originalRange(i, i + 1)[0] >= normalized.originalRange(i - 1, i)[0], `${text}: unit ${i}`);
      }
    };
    for (const text of curated) check(text);
    fc.assert(
      fc.property(texts, (text) => {
        check(text);
        return true;
      }),
      {numRuns: 200, seed: 3},
    );
  });
}

test('normalizer offsets point at the original characters', (t) => {
  const text = 'Ａé İx';
  const normalized = new SequenceNormalizer([new UnicodeNormalizer('NFKD'), new LowercaseNormalizer()]).normalize(
    NormalizedText.from(text),
  );
  t.is(normalized.text, 'ae\u0301 i\u0307x');
  t.deepEqual(normalized.originalRange(0, 1), [0, 1]);
  t.deepEqual(normalized.originalRange(1, 3), [1, 2]);
  t.deepEqual(normalized.originalRange(4, 6), [3, 4]);
  t.deepEqual(normalized.originalRange(6, 7), [4, 5]);
});

const preTokenizers: [string, () => PreTokenizer, () => NativeStage][] = [
  ['Whitespace', () => new WhitespacePreTokenizer(), () => hf('whitespacePreTokenizer')],
  ['WhitespaceSplit', () => new WhitespaceSplitPreTokenizer(), () => hf('whitespaceSplitPreTokenizer')],
  ['BertPreTokenizer', () => new BertPreTokenizer(), () => hf('bertPreTokenizer')],
  ['ByteLevel', () => new ByteLevelPreTokenizer({addPrefixSpace: false}), () => hf('byteLevelPreTokenizer', false, true)],
  ['ByteLevel with prefix space', () => new ByteLevelPreTokenizer({addPrefixSpace: true}), () => hf('byteLevelPreTokenizer', true, true)],
];

for (const [name, ours, theirs] of preTokenizers) {
  test(`pre-tokenizer ${name} splits as tokenizers does`, (t) => {
    const mine = ours();
    const reference = theirs();
    const check = (text: string) => {
      const pieces = mine.preTokenize(text);
      t.deepEqual(
        pieces.map((piece) => piece.text),
        (reference.preTokenizeString?.(text) ?? []).map(([piece]) => piece),
        text,
      );
      for (const piece of pieces) t.true(piece.start >= 0 && piece.start <= piece.end && piece.end <= text.length);
    };
    for (const text of curated) check(text);
    fc.assert(
      fc.property(texts, (text) => {
        check(text);
        return true;
      }),
      {numRuns: 200, seed: 4},
    );
  });
}
