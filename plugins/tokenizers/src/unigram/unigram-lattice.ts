import {PieceTrie} from './piece-trie.js';

/** Stands for a character no piece covers. */
export const UNKNOWN = -1;

/**
 * Pieces with log-probabilities, searchable by prefix: the model the Unigram trainer re-estimates. Lattice
 * computations over one word at a time (forward-backward for expected counts, Viterbi, best path without a
 * given piece), as SentencePiece's `Lattice`.
 */
export class PieceScores {
  readonly pieces: readonly string[];
  readonly scores: Float64Array;
  readonly unknownScore: number;
  readonly #trie = new PieceTrie();

  constructor(pieces: readonly string[], scores: Float64Array) {
    this.pieces = pieces;
    this.scores = scores;
    let min = Number.POSITIVE_INFINITY;
    pieces.forEach((piece, id) => {
      this.#trie.insert(piece, id);
      min = Math.min(min, scores[id] as number);
    });
    this.unknownScore = (pieces.length === 0 ? 0 : min) - 10;
  }

  /** Lattice nodes of a word, grouped by start: `[start, end, id]` triples, ids −1 for unknown characters. */
  nodes(word: string): Int32Array {
    this.#fill(word);
    return this.#nodes.slice(0, this.#count * 3);
  }

  /** Fills the reusable node buffer with the word's lattice, in start order; returns the node count. */
  #fill(word: string): number {
    let count = 0;
    const trie = this.#trie;
    const length = word.length;
    for (let start = 0; start < length; ) {
      const code = word.charCodeAt(start);
      const width = code >= 0xd800 && code <= 0xdbff && start + 1 < length ? 2 : 1;
      let single = false;
      let node = 0;
      for (let i = start; i < length; i++) {
        node = trie.child(node, word.charCodeAt(i));
        if (node < 0) break;
        const id = trie.idAt(node);
        if (id < 0) continue;
        const unit = word.charCodeAt(i);
        // A piece never ends inside a surrogate pair.
        if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) continue;
        count = this.#push(count, start, i + 1, id);
        if (i + 1 - start === width) single = true;
      }
      if (!single) count = this.#push(count, start, start + width, UNKNOWN);
      start += width;
    }
    this.#count = count;
    return count;
  }

  #nodes = new Int32Array(3 * 256);
  #count = 0;
  #alpha = new Float64Array(64);
  #beta = new Float64Array(64);
  #via = new Int32Array(64);

  #push(count: number, start: number, end: number, id: number): number {
    if ((count + 1) * 3 > this.#nodes.length) {
      const grown = new Int32Array(this.#nodes.length * 2);
      grown.set(this.#nodes);
      this.#nodes = grown;
    }
    const at = count * 3;
    this.#nodes[at] = start;
    this.#nodes[at + 1] = end;
    this.#nodes[at + 2] = id;
    return count + 1;
  }

  #buffers(length: number): void {
    if (this.#alpha.length <= length) {
      const size = Math.max(length + 1, this.#alpha.length * 2);
      this.#alpha = new Float64Array(size);
      this.#beta = new Float64Array(size);
      this.#via = new Int32Array(size);
    }
  }

  /**
   * Adds `weight ×` each piece's expected count in `word` to `expected`; returns the word's log-likelihood.
   * Nodes come in start order, so forward runs in node order (every node ending at a start was seen before)
   * and backward in reverse.
   */
  expect(word: string, weight: number, expected: Float64Array): number {
    const count = this.#fill(word);
    const n = word.length;
    this.#buffers(n);
    const nodes = this.#nodes;
    const alpha = this.#alpha;
    const beta = this.#beta;
    const scores = this.scores;
    const unknown = this.unknownScore;
    alpha.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    beta.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    alpha[0] = 0;
    for (let k = 0; k < count; k++) {
      const start = nodes[k * 3] as number;
      const end = nodes[k * 3 + 1] as number;
      const id = nodes[k * 3 + 2] as number;
      alpha[end] = logAdd(alpha[end] as number, (alpha[start] as number) + (id === UNKNOWN ? unknown : (scores[id] as number)));
    }
    beta[n] = 0;
    for (let k = count - 1; k >= 0; k--) {
      const start = nodes[k * 3] as number;
      const end = nodes[k * 3 + 1] as number;
      const id = nodes[k * 3 + 2] as number;
      beta[start] = logAdd(beta[start] as number, (beta[end] as number) + (id === UNKNOWN ? unknown : (scores[id] as number)));
    }
    const z = alpha[n] as number;
    for (let k = 0; k < count; k++) {
      const id = nodes[k * 3 + 2] as number;
      if (id === UNKNOWN) continue;
      const start = nodes[k * 3] as number;
      const end = nodes[k * 3 + 1] as number;
      const marginal = Math.exp((alpha[start] as number) + (scores[id] as number) + (beta[end] as number) - z);
      expected[id] = (expected[id] as number) + weight * marginal;
    }
    return z;
  }

  /** Ids of the best segmentation of `word`; `exclude` is a piece id not to use (−2: none). */
  viterbi(word: string, exclude = -2): {ids: number[]; score: number} {
    const count = this.#fill(word);
    const n = word.length;
    this.#buffers(n);
    const nodes = this.#nodes;
    const best = this.#alpha;
    const via = this.#via;
    const scores = this.scores;
    best.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    best[0] = 0;
    for (let k = 0; k < count; k++) {
      const id = nodes[k * 3 + 2] as number;
      if (id === exclude) continue;
      const start = nodes[k * 3] as number;
      const end = nodes[k * 3 + 1] as number;
      const score = (best[start] as number) + (id === UNKNOWN ? this.unknownScore : (scores[id] as number));
      if (score > (best[end] as number)) {
        best[end] = score;
        via[end] = k;
      }
    }
    const ids: number[] = [];
    if (best[n] === Number.NEGATIVE_INFINITY) return {ids, score: Number.NEGATIVE_INFINITY};
    for (let end = n; end > 0; ) {
      const k = via[end] as number;
      ids.push(nodes[k * 3 + 2] as number);
      end = nodes[k * 3] as number;
    }
    ids.reverse();
    return {ids, score: best[n] as number};
  }
}

function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
