import {createRequire} from 'node:module';
import test from 'ava';
import type * as HfNative from 'tokenizers';
import {type EncodingParts, emptyParts, loadTokenizerJson, longestFirstLengths, mergeParts, pushToken, truncatePair} from '../src/index.js';
import {type KeptTokenizer, keptTokenizerJson} from './helpers/public-fixtures.js';

// Pair encoding pieces on their own: the truncation lengths, the strategies' refusals, the merge of overflowing
// windows, and what a file says about them. The end-to-end comparison with Hugging Face is in public-files.test.ts.

function parts(ids: readonly number[], typeId = 0): EncodingParts {
  const out = emptyParts();
  for (const id of ids) pushToken(out, id, `t${id}`, [id, id + 1], false);
  out.typeIds = out.typeIds.map(() => typeId);
  return out;
}

const range = (from: number, count: number) => Array.from({length: count}, (_, i) => from + i);

test('longest_first lengths are those of Hugging Face’s own truncation tests (max 7; empty, 2, 4 and 8 tokens)', (t) => {
  const sizes = {empty: 0, short: 2, medium: 4, long: 8};
  const expected: [keyof typeof sizes, keyof typeof sizes, number, number][] = [
    ['empty', 'empty', 0, 0],
    ['empty', 'short', 0, 2],
    ['empty', 'medium', 0, 4],
    ['empty', 'long', 0, 7],
    ['short', 'empty', 2, 0],
    ['short', 'short', 2, 2],
    ['short', 'medium', 2, 4],
    ['short', 'long', 2, 5],
    ['medium', 'empty', 4, 0],
    ['medium', 'short', 4, 2],
    ['medium', 'medium', 3, 4],
    ['medium', 'long', 3, 4],
    ['long', 'empty', 7, 0],
    ['long', 'short', 5, 2],
    ['long', 'medium', 4, 3],
    ['long', 'long', 3, 4],
  ];
  for (const [a, b, n1, n2] of expected) t.deepEqual(longestFirstLengths(sizes[a], sizes[b], 7), [n1, n2], `${a} + ${b}`);
});

test('only_first and only_second cut one sequence, keep the cut tokens as windows, and refuse one too short', (t) => {
  const [first, second] = truncatePair(parts(range(0, 4)), parts(range(10, 9), 1), 10, 1, 'right', 'only_second');
  t.deepEqual(first.ids, range(0, 4));
  t.deepEqual(second.ids, range(10, 6));
  t.deepEqual(
    second.overflowing.map((window) => window.ids),
    [range(15, 4)],
    'the window starts a stride before the cut',
  );
  const [left] = truncatePair(parts(range(0, 9)), parts(range(10, 4), 1), 10, 0, 'left', 'only_first');
  t.deepEqual(left.ids, range(3, 6), 'a left cut keeps the end');
  t.throws(() => truncatePair(parts(range(0, 2)), parts(range(10, 12), 1), 10, 0, 'right', 'only_first'), {
    message: 'truncation only_first: the first sequence has 2 tokens, too few to remove the 4 the pair exceeds 10 by',
  });
  const untouched = truncatePair(parts([1]), parts([2], 1), 5, 0, 'right', 'only_first');
  t.deepEqual(
    untouched.map((p) => p.ids),
    [[1], [2]],
  );
});

test('merged windows combine as Hugging Face’s merge: each window with the next piece and its windows, then the main part with them', (t) => {
  const a = parts([1, 2]);
  a.overflowing = [parts([3])];
  const b = parts([7], 1);
  b.overflowing = [parts([8], 1)];
  const merged = mergeParts([a, b]);
  t.deepEqual(merged.ids, [1, 2, 7]);
  t.deepEqual(merged.typeIds, [0, 0, 1]);
  t.deepEqual(
    merged.overflowing.map((window) => window.ids),
    [
      [3, 7],
      [3, 8],
      [1, 2, 8],
    ],
  );
});

const bert = () => loadTokenizerJson(keptTokenizerJson('bert-base-uncased'), 'bert');

test('a BERT pair: [CLS] A [SEP] B [SEP] with type ids 0 then 1, offsets into each sequence, padded as asked', (t) => {
  const tokenizer = bert();
  const pair = tokenizer.encodePair('Where is Paris?', 'Paris is in France.', {padding: {length: 16}});
  t.deepEqual(pair.tokens, [
    '[CLS]',
    'where',
    'is',
    'paris',
    '?',
    '[SEP]',
    'paris',
    'is',
    'in',
    'france',
    '.',
    '[SEP]',
    '[PAD]',
    '[PAD]',
    '[PAD]',
    '[PAD]',
  ]);
  t.deepEqual(pair.typeIds, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  t.deepEqual(pair.offsets.slice(1, 4), [
    [0, 5],
    [6, 8],
    [9, 14],
  ]);
  t.deepEqual(pair.offsets[6], [0, 5], 'the second sequence’s offsets start at its own beginning');
  t.deepEqual(pair.attentionMask.slice(10), [1, 1, 0, 0, 0, 0]);
  const bare = tokenizer.encodePair('Where is Paris?', 'Paris is in France.', {addSpecialTokens: false});
  t.deepEqual(bare.typeIds, [0, 0, 0, 0, 1, 1, 1, 1, 1]);
  t.is(tokenizer.encode('Where is Paris?').typeIds?.length, 6, 'single sequences carry type ids too');
});

test('a truncation strategy in tokenizer.json is applied to pairs and saved back', (t) => {
  const document = JSON.parse(bert().toJSON()) as Record<string, unknown>;
  document.truncation = {direction: 'Right', max_length: 8, strategy: 'OnlySecond', stride: 0};
  const tokenizer = loadTokenizerJson(JSON.stringify(document), 'bert only_second');
  const pair = tokenizer.encodePair('short', 'a much longer second sequence of words');
  t.deepEqual(pair.tokens, ['[CLS]', 'short', '[SEP]', 'a', 'much', 'longer', 'second', '[SEP]']);
  t.is((JSON.parse(tokenizer.toJSON()) as {truncation: {strategy: string}}).truncation.strategy, 'OnlySecond');
  document.truncation = {direction: 'Right', max_length: 8, strategy: 'OnlyThird', stride: 0};
  t.throws(() => loadTokenizerJson(JSON.stringify(document), 'bad.json'), {message: /strategy/});
});

const hf = createRequire(import.meta.url)('tokenizers') as typeof HfNative;

/** A public file with its post-processor replaced, both ways: ours and Hugging Face's on the same pairs. */
async function assertPairsLikeHf(t: import('ava').ExecutionContext, file: KeptTokenizer, postProcessor: object): Promise<void> {
  const document = JSON.parse(keptTokenizerJson(file)) as Record<string, unknown>;
  document.post_processor = postProcessor;
  document.truncation = null;
  const json = JSON.stringify(document);
  const ours = loadTokenizerJson(json, file);
  const theirs = hf.Tokenizer.fromString(json);
  const pairs: [string, string][] = [
    ['Where is Paris?', '  Paris is in France.'],
    ['Héllo wörld', ''],
  ];
  for (const [first, second] of pairs) {
    const single = await theirs.encode(first);
    t.deepEqual([...ours.encode(first).ids], single.getIds(), `${file} single ids`);
    t.deepEqual(
      ours.encode(first, {truncation: {maxLength: 4}}).ids.length,
      4,
      `${file} a truncated single sequence keeps room for its special tokens`,
    );
    for (const addSpecialTokens of [true, false]) {
      const mine = ours.encodePair(first, second, {addSpecialTokens});
      const reference = await theirs.encode(first, second, {addSpecialTokens});
      t.deepEqual([...mine.ids], reference.getIds(), `${file} ids ${addSpecialTokens}`);
      t.deepEqual([...mine.tokens], reference.getTokens(), `${file} tokens ${addSpecialTokens}`);
      t.deepEqual([...(mine.typeIds ?? [])], reference.getTypeIds(), `${file} type ids ${addSpecialTokens}`);
      t.deepEqual([...mine.specialTokensMask], reference.getSpecialTokensMask(), `${file} special mask ${addSpecialTokens}`);
      // ASCII and Latin-1 text: UTF-16 offsets are code point offsets.
      t.deepEqual(
        mine.offsets.map((range) => [...range]),
        reference.getOffsets(),
        `${file} offsets ${addSpecialTokens}`,
      );
    }
  }
}

test('BertProcessing pairs: [CLS] A [SEP] B [SEP], as Hugging Face', async (t) => {
  await assertPairsLikeHf(t, 'bert-base-uncased', {type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101]});
});

test('a Sequence of ByteLevel and RobertaProcessing: offsets trimmed, <s> A </s></s> B </s>, as Hugging Face', async (t) => {
  await assertPairsLikeHf(t, 'roberta-base', {
    type: 'Sequence',
    processors: [
      {type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true},
      {type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: false, add_prefix_space: false},
    ],
  });
});
