import {createRequire} from 'node:module';
import {isCodexError} from '@codex-ml/core';
import test from 'ava';
import {
  NORMALIZER_NAMES,
  NormalizedText,
  PRE_TOKENIZER_NAMES,
  byteLevelPreTokenizerFromConfig,
  normalizerFromConfig,
} from '../src/index.js';

interface NativeStage {
  normalizeString?(text: string): string;
  preTokenizeString?(text: string): [string, [number, number]][];
}
type Native = Record<string, (...args: unknown[]) => NativeStage>;
const native = createRequire(import.meta.url)('tokenizers') as Native;
const hf = (name: string, ...args: unknown[]) => (native[name] as (...a: unknown[]) => NativeStage)(...args);

const texts = ['Héllo WÖRLD, naïve café!', "don't  stop\tthe music (really?) 3.14", 'ﬁ ①② Ǆ İstanbul', '  leading and trailing  ', ''];

const nativeNormalizer: Record<string, () => NativeStage> = {
  nfc: () => hf('nfcNormalizer'),
  nfd: () => hf('nfdNormalizer'),
  nfkc: () => hf('nfkcNormalizer'),
  nfkd: () => hf('nfkdNormalizer'),
  lowercase: () => hf('lowercase'),
  'strip-accents': () => hf('stripAccentsNormalizer'),
};

test('every configured normalizer list normalizes as the same tokenizers sequence', (t) => {
  const lists = [...NORMALIZER_NAMES.filter((name) => name !== 'none').map((name) => [name]), ['nfd', 'strip-accents', 'lowercase']];
  for (const list of lists) {
    const mine = normalizerFromConfig(list.join(','));
    if (!mine) return t.fail(`${list.join(',')} built no normalizer`);
    const stages = list.map((name) => (nativeNormalizer[name] as () => NativeStage)());
    const reference = stages.length === 1 ? (stages[0] as NativeStage) : hf('sequenceNormalizer', stages);
    for (const text of texts)
      t.is(mine.normalize(NormalizedText.from(text)).text, reference.normalizeString?.(text) ?? '', `${list}: ${text}`);
  }
  t.is(normalizerFromConfig(undefined), undefined, 'no value means no normalizer');
  t.is(normalizerFromConfig(['none']), undefined);
  t.is(normalizerFromConfig([' Lowercase '])?.type, 'Lowercase', 'names are trimmed and case-insensitive');
});

test('every configured pre-tokenizer runs before byte-level, as the same tokenizers sequence', (t) => {
  const nativeSplit: Record<string, () => NativeStage> = {
    whitespace: () => hf('whitespacePreTokenizer'),
    'whitespace-split': () => hf('whitespaceSplitPreTokenizer'),
    bert: () => hf('bertPreTokenizer'),
  };
  for (const name of PRE_TOKENIZER_NAMES) {
    for (const addPrefixSpace of [false, true]) {
      const mine = byteLevelPreTokenizerFromConfig(name, addPrefixSpace);
      const byteLevel = hf('byteLevelPreTokenizer', addPrefixSpace, true);
      const split = nativeSplit[name];
      const reference = split ? hf('sequencePreTokenizer', [split(), byteLevel]) : byteLevel;
      t.is(mine.type, split ? 'Sequence' : 'ByteLevel', name);
      for (const text of texts) {
        t.deepEqual(
          mine.preTokenize(text).map((piece) => piece.text),
          (reference.preTokenizeString?.(text) ?? []).map(([piece]) => piece),
          `${name} (prefix space ${addPrefixSpace}): ${text}`,
        );
      }
    }
  }
});

test('an unknown stage name is refused naming the key, the value and the choices', (t) => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => normalizerFromConfig('lowercase,nfx'), /^tokenizer\.pipeline\.normalizer: unknown value "nfx"$/],
    [() => byteLevelPreTokenizerFromConfig(['metaspace'], false), /^tokenizer\.pipeline\.preTokenizer: unknown value "metaspace"$/],
  ];
  for (const [build, message] of cases) {
    const error = t.throws(build);
    if (!isCodexError(error)) return t.fail(String(error));
    t.regex(error.message, message);
    t.regex(error.hint ?? '', /^use one of (none, .*strip-accents|byte-level, .*bert)$/);
  }
});
