import test from 'ava';
import {UnigramTrainer} from '../src/unigram/unigram-trainer.js';
import {corpusSentences} from './helpers/bpe-fixture.js';
import {PieceTrie} from '../src/unigram/piece-trie.js';
import {PieceScores, UNKNOWN, WordLattices, pieceTrie} from '../src/unigram/word-lattices.js';

// The Unigram trainer's lattices against a plain reference: every substring of the word that is a live piece is an
// edge, a code point no live single-character piece covers is an unknown edge, and sums run in log space.

const ALPHABET = ['▁', 'a', 'b', 'c', 'é', '😀'];

/** A seeded linear congruential generator: the same cases every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function randomText(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

function randomModel(random: () => number, count: number): PieceScores {
  const pieces = [...new Set([...ALPHABET, ...Array.from({length: count}, () => randomText(random, 2 + Math.floor(random() * 4)))])];
  const scores = Float64Array.from(pieces, () => -1 - random() * 12);
  return new PieceScores(pieces, scores, new Uint8Array(pieces.length).fill(1));
}

interface Edge {
  readonly start: number;
  readonly end: number;
  readonly id: number;
  readonly score: number;
}

function edges(word: string, model: PieceScores): Edge[] {
  const ids = new Map<string, number>();
  model.pieces.forEach((piece, id) => {
    if (model.alive[id] === 1 && !ids.has(piece)) ids.set(piece, id);
  });
  const bounds: number[] = [];
  for (let i = 0; i < word.length; i += (word.codePointAt(i) as number) > 0xffff ? 2 : 1) bounds.push(i);
  bounds.push(word.length);
  const out: Edge[] = [];
  for (let a = 0; a + 1 < bounds.length; a++) {
    for (let b = a + 1; b < bounds.length; b++) {
      const id = ids.get(word.slice(bounds[a], bounds[b]));
      if (id !== undefined) out.push({start: bounds[a] as number, end: bounds[b] as number, id, score: model.scores[id] as number});
      else if (b === a + 1) out.push({start: bounds[a] as number, end: bounds[b] as number, id: UNKNOWN, score: model.unknownScore});
    }
  }
  return out;
}

function logSum(values: number[]): number {
  const max = Math.max(...values);
  if (max === Number.NEGATIVE_INFINITY) return max;
  return max + Math.log(values.reduce((sum, value) => sum + Math.exp(value - max), 0));
}

function referenceExpected(word: string, model: PieceScores): Map<number, number> {
  const all = edges(word, model);
  const alpha = new Array<number>(word.length + 1).fill(Number.NEGATIVE_INFINITY);
  const beta = new Array<number>(word.length + 1).fill(Number.NEGATIVE_INFINITY);
  alpha[0] = 0;
  beta[word.length] = 0;
  for (let i = 1; i <= word.length; i++) {
    alpha[i] = logSum(all.filter((e) => e.end === i).map((e) => (alpha[e.start] as number) + e.score));
  }
  for (let i = word.length - 1; i >= 0; i--) {
    beta[i] = logSum(all.filter((e) => e.start === i).map((e) => (beta[e.end] as number) + e.score));
  }
  const z = alpha[word.length] as number;
  const expected = new Map<number, number>();
  for (const e of all) {
    if (e.id === UNKNOWN) continue;
    const marginal = Math.exp((alpha[e.start] as number) + e.score + (beta[e.end] as number) - z);
    expected.set(e.id, (expected.get(e.id) ?? 0) + marginal);
  }
  return expected;
}

function referenceViterbi(word: string, model: PieceScores, exclude: number): number {
  const best = new Array<number>(word.length + 1).fill(Number.NEGATIVE_INFINITY);
  best[0] = 0;
  const all = edges(word, model).filter((e) => e.id !== exclude);
  for (let i = 1; i <= word.length; i++) {
    for (const e of all) if (e.end === i) best[i] = Math.max(best[i] as number, (best[e.start] as number) + e.score);
  }
  return best[word.length] as number;
}

function close(t: import('ava').ExecutionContext, actual: number, expected: number, message: string): void {
  t.true(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${message}: ${actual} vs ${expected}`);
}

test('expected piece counts of each word match the sum over all its segmentations, unknown characters included', (t) => {
  const random = generator(7);
  const model = randomModel(random, 60);
  const words = Array.from({length: 40}, () => randomText(random, 1 + Math.floor(random() * 12)));
  words.push('▁abcx', 'x😀y');
  const lattices = new WordLattices(pieceTrie(model.pieces), words);
  const probabilities = Float64Array.from(model.scores, Math.exp);
  words.forEach((word, index) => {
    const expected = new Float64Array(model.pieces.length);
    lattices.expect(index, model, probabilities, 3, expected);
    const reference = referenceExpected(word, model);
    model.pieces.forEach((piece, id) => {
      close(t, expected[id] as number, 3 * (reference.get(id) ?? 0), `${word} / ${piece}`);
    });
  });
});

test('a word too long for products of probabilities still gets its expected counts (log space)', (t) => {
  const pieces = ['a', 'b', 'ab', 'ba', 'aba'];
  const model = new PieceScores(pieces, Float64Array.from([-20, -21, -22, -23, -24]), new Uint8Array(5).fill(1));
  const word = 'ab'.repeat(200);
  const lattices = new WordLattices(pieceTrie(pieces), [word]);
  const expected = new Float64Array(pieces.length);
  lattices.expect(0, model, Float64Array.from(model.scores, Math.exp), 1, expected);
  const reference = referenceExpected(word, model);
  pieces.forEach((piece, id) => {
    close(t, expected[id] as number, reference.get(id) ?? 0, piece);
  });
  // Every character is in exactly one piece of each segmentation.
  close(
    t,
    (expected[0] as number) +
      (expected[1] as number) +
      2 * ((expected[2] as number) + (expected[3] as number)) +
      3 * (expected[4] as number),
    word.length,
    'characters',
  );
});

test('dead pieces leave the lattice, a dead character becomes unknown, and compaction changes nothing', (t) => {
  const random = generator(11);
  const full = randomModel(random, 80);
  const words = [...Array.from({length: 30}, () => randomText(random, 2 + Math.floor(random() * 10))), 'b'];
  const alive = Uint8Array.from(full.pieces, (_, id) => (id === 2 || random() < 0.4 ? 0 : 1));
  const model = new PieceScores(full.pieces, full.scores, alive);
  t.is(model.pieces[2], 'b');
  const lattices = new WordLattices(pieceTrie(model.pieces), words);
  const probabilities = Float64Array.from(model.scores, (score, id) => (alive[id] === 1 ? Math.exp(score) : 0));
  const before = words.map((_, index) => {
    const expected = new Float64Array(model.pieces.length);
    lattices.expect(index, model, probabilities, 1, expected);
    const ids: number[] = [];
    const score = lattices.viterbi(index, model, ids);
    return {expected, ids, score};
  });
  lattices.compact(model);
  words.forEach((word, index) => {
    const expected = new Float64Array(model.pieces.length);
    lattices.expect(index, model, probabilities, 1, expected);
    const ids: number[] = [];
    const score = lattices.viterbi(index, model, ids);
    t.deepEqual({expected, ids, score}, before[index], word);
    t.false(
      ids.some((id) => id >= 0 && alive[id] === 0),
      word,
    );
    close(t, score, referenceViterbi(word, model, -2), word);
    if (word === 'b') t.deepEqual(ids, [UNKNOWN]);
    const reference = referenceExpected(word, model);
    model.pieces.forEach((piece, id) => {
      close(t, expected[id] as number, reference.get(id) ?? 0, `${word} / ${piece}`);
    });
  });
});

test('the best segmentation without a piece is the best one that does not use it', (t) => {
  const random = generator(5);
  const model = randomModel(random, 50);
  const lattices = new WordLattices(pieceTrie(model.pieces), model.pieces);
  const ids: number[] = [];
  model.pieces.forEach((piece, id) => {
    const score = lattices.viterbi(id, model, ids, id);
    t.false(ids.includes(id), piece);
    t.is(score, referenceViterbi(piece, model, id), piece);
    if (score > Number.NEGATIVE_INFINITY) t.is(ids.map((other) => model.pieces[other]).join(''), piece);
  });
});

test('the piece trie finds every piece that starts at a position, shortest first, past many table growths', (t) => {
  const random = generator(3);
  const pieces = [...new Set(Array.from({length: 6000}, () => randomText(random, 1 + Math.floor(random() * 8))))];
  const trie = new PieceTrie();
  pieces.forEach((piece, id) => {
    trie.insert(piece, id);
  });
  trie.insert(pieces[0] as string, 99_999);
  const ids = new Map(pieces.map((piece, id) => [piece, id]));
  for (let n = 0; n < 200; n++) {
    const text = randomText(random, 12);
    for (let start = 0; start < text.length; start++) {
      const found: [number, number][] = [];
      trie.forEachPrefix(text, start, (end, id) => found.push([end, id]));
      const expected: [number, number][] = [];
      for (let end = start + 1; end <= text.length; end++) {
        const id = ids.get(text.slice(start, end));
        const unit = text.charCodeAt(end - 1);
        if (id !== undefined && !(unit >= 0xd800 && unit <= 0xdbff && end < text.length)) expected.push([end, id]);
      }
      t.deepEqual(found, expected, `${text} @ ${start}`);
    }
  }
  t.is(trie.child(0, 'z'.charCodeAt(0)), -1);
});

test('training gives the same vocabulary whether lattices are kept between EM steps or found again each time', (t) => {
  const words = new Map<string, number>();
  for (const sentence of corpusSentences().train.slice(0, 2_000)) {
    for (const word of sentence.split(/\s+/)) if (word !== '') words.set(`▁${word}`, (words.get(`▁${word}`) ?? 0) + 1);
  }
  const train = (latticeNodeBudget: number) =>
    new UnigramTrainer({vocabSize: 800, specialTokens: ['<unk>'], latticeNodeBudget}).train(words);
  const kept = train(1 << 24);
  t.is(kept.pieces.length, 800);
  t.deepEqual(train(0), kept);
  // Words come in three chunks of about 125,000, 143,000 and 22,000 seed lattice nodes: this keeps the first and the last.
  t.deepEqual(train(200_000), kept);
});
