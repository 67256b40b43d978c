import {PieceTrie} from './piece-trie.js';

/** Stands for a character no piece covers. */
export const UNKNOWN = -1;

/** A trie of `pieces` by id; `alive`: only these of them (all when absent). */
export function pieceTrie(pieces: readonly string[], alive?: Uint8Array): PieceTrie {
  const trie = new PieceTrie();
  pieces.forEach((piece, id) => {
    if (alive === undefined || alive[id] === 1) trie.insert(piece, id);
  });
  return trie;
}

/**
 * The current state of the Unigram trainer's vocabulary over its fixed seed pieces: log-probability scores and
 * which seed pieces are still in, so that a model change is two arrays and lattices built once stay valid.
 */
export class PieceScores {
  readonly pieces: readonly string[];
  /** Score by seed id; meaningful only where `alive`. */
  readonly scores: Float64Array;
  readonly alive: Uint8Array;
  readonly size: number;
  readonly unknownScore: number;

  constructor(pieces: readonly string[], scores: Float64Array, alive: Uint8Array) {
    this.pieces = pieces;
    this.scores = scores;
    this.alive = alive;
    let min = Number.POSITIVE_INFINITY;
    let size = 0;
    for (let id = 0; id < pieces.length; id++) {
      if (alive[id] === 0) continue;
      size++;
      min = Math.min(min, scores[id] as number);
    }
    this.size = size;
    this.unknownScore = (size === 0 ? 0 : min) - 10;
  }
}

/**
 * The lattices of a fixed list of texts over the seed pieces, found once with a trie: `[start, end, id]` triples
 * grouped by start, as SentencePiece's `Lattice`. Pruning only removes pieces, so every later model's lattice is
 * this one with the dead pieces' nodes skipped. Each start group ends with a fallback node that is the unknown
 * character when no live piece covers exactly that character (`UNKNOWN`, or `-2 - id` of the single-character
 * seed piece, unknown once that piece is dead).
 */
export class WordLattices {
  #nodes: Int32Array;
  readonly #offsets: Int32Array;
  readonly #lengths: Int32Array;
  #alpha = new Float64Array(64);
  #beta = new Float64Array(64);
  #via = new Int32Array(64);

  /** `trie` holds the pieces, by id, that the lattices may use. */
  constructor(trie: PieceTrie, texts: readonly string[]) {
    let nodes = new Int32Array(3 * 1024);
    let count = 0;
    const push = (start: number, end: number, id: number) => {
      if ((count + 1) * 3 > nodes.length) {
        const grown = new Int32Array(nodes.length * 2);
        grown.set(nodes);
        nodes = grown;
      }
      const at = count * 3;
      nodes[at] = start;
      nodes[at + 1] = end;
      nodes[at + 2] = id;
      count++;
    };
    this.#offsets = new Int32Array(texts.length + 1);
    this.#lengths = new Int32Array(texts.length);
    texts.forEach((text, index) => {
      const length = text.length;
      this.#lengths[index] = length;
      for (let start = 0; start < length; ) {
        const code = text.charCodeAt(start);
        const width = code >= 0xd800 && code <= 0xdbff && start + 1 < length ? 2 : 1;
        let single = UNKNOWN;
        let node = 0;
        for (let i = start; i < length; i++) {
          const unit = text.charCodeAt(i);
          node = trie.child(node, unit);
          if (node < 0) break;
          const id = trie.idAt(node);
          // A piece never ends inside a surrogate pair.
          if (id < 0 || (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length)) continue;
          push(start, i + 1, id);
          if (i + 1 - start === width) single = id;
        }
        push(start, start + width, single === UNKNOWN ? UNKNOWN : -2 - single);
        start += width;
      }
      this.#offsets[index + 1] = count;
    });
    this.#nodes = nodes.slice(0, count * 3);
    const longest = this.#lengths.reduce((a, b) => Math.max(a, b), 0);
    this.#buffers(longest);
  }

  /**
   * Drops the nodes of pieces dead in `model`, which never come back: most seed pieces go in the first
   * M-step, and skipping their nodes would cost every later iteration. Results are unchanged.
   */
  compact(model: PieceScores): void {
    const nodes = this.#nodes;
    const offsets = this.#offsets;
    const alive = model.alive;
    let out = 0;
    let from = 0;
    for (let index = 0; index < this.#lengths.length; index++) {
      const to = (offsets[index + 1] as number) * 3;
      for (let k = from; k < to; k += 3) {
        let id = nodes[k + 2] as number;
        if (id >= 0 && alive[id] === 0) continue;
        if (id < UNKNOWN && alive[-2 - id] === 0) id = UNKNOWN;
        nodes[out] = nodes[k] as number;
        nodes[out + 1] = nodes[k + 1] as number;
        nodes[out + 2] = id;
        out += 3;
      }
      from = to;
      offsets[index + 1] = out / 3;
    }
    this.#nodes = nodes.slice(0, out);
  }

  /** Lattice nodes held. */
  get nodeCount(): number {
    return this.#nodes.length / 3;
  }

  get length(): number {
    return this.#lengths.length;
  }

  #buffers(length: number): void {
    if (this.#alpha.length <= length) {
      const size = length + 1;
      this.#alpha = new Float64Array(size);
      this.#beta = new Float64Array(size);
      this.#via = new Int32Array(size);
    }
  }

  /**
   * Adds `weight ×` each live piece's expected count in text `index` to `expected` (forward-backward).
   * `probabilities` holds exp(score) of live pieces: sums of products are far cheaper than log-additions, and a
   * word whose total underflows is done again in log space.
   */
  expect(index: number, model: PieceScores, probabilities: Float64Array, weight: number, expected: Float64Array): void {
    const from = (this.#offsets[index] as number) * 3;
    const to = (this.#offsets[index + 1] as number) * 3;
    const n = this.#lengths[index] as number;
    const nodes = this.#nodes;
    const alive = model.alive;
    const alpha = this.#alpha;
    const beta = this.#beta;
    const unknown = Math.exp(model.unknownScore);
    alpha.fill(0, 0, n + 1);
    beta.fill(0, 0, n + 1);
    alpha[0] = 1;
    for (let k = from; k < to; k += 3) {
      const id = nodes[k + 2] as number;
      let p: number;
      if (id >= 0) {
        if (alive[id] === 0) continue;
        p = probabilities[id] as number;
      } else if (id === UNKNOWN || alive[-2 - id] === 0) p = unknown;
      else continue;
      const end = nodes[k + 1] as number;
      alpha[end] = (alpha[end] as number) + (alpha[nodes[k] as number] as number) * p;
    }
    const z = alpha[n] as number;
    if (!(z > 1e-280)) {
      this.#expectLog(from, to, n, model, weight, expected);
      return;
    }
    beta[n] = 1;
    for (let k = to - 3; k >= from; k -= 3) {
      const id = nodes[k + 2] as number;
      let p: number;
      if (id >= 0) {
        if (alive[id] === 0) continue;
        p = probabilities[id] as number;
      } else if (id === UNKNOWN || alive[-2 - id] === 0) p = unknown;
      else continue;
      const start = nodes[k] as number;
      beta[start] = (beta[start] as number) + (beta[nodes[k + 1] as number] as number) * p;
    }
    const scale = weight / z;
    for (let k = from; k < to; k += 3) {
      const id = nodes[k + 2] as number;
      if (id < 0 || alive[id] === 0) continue;
      const marginal = (alpha[nodes[k] as number] as number) * (probabilities[id] as number) * (beta[nodes[k + 1] as number] as number);
      expected[id] = (expected[id] as number) + scale * marginal;
    }
  }

  #expectLog(from: number, to: number, n: number, model: PieceScores, weight: number, expected: Float64Array): void {
    const nodes = this.#nodes;
    const {alive, scores} = model;
    const alpha = this.#alpha;
    const beta = this.#beta;
    alpha.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    beta.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    alpha[0] = 0;
    for (let k = from; k < to; k += 3) {
      const s = nodeScore(nodes[k + 2] as number, model);
      if (Number.isNaN(s)) continue;
      const end = nodes[k + 1] as number;
      alpha[end] = logAdd(alpha[end] as number, (alpha[nodes[k] as number] as number) + s);
    }
    beta[n] = 0;
    for (let k = to - 3; k >= from; k -= 3) {
      const s = nodeScore(nodes[k + 2] as number, model);
      if (Number.isNaN(s)) continue;
      const start = nodes[k] as number;
      beta[start] = logAdd(beta[start] as number, (beta[nodes[k + 1] as number] as number) + s);
    }
    const z = alpha[n] as number;
    for (let k = from; k < to; k += 3) {
      const id = nodes[k + 2] as number;
      if (id < 0 || alive[id] === 0) continue;
      const marginal = Math.exp(
        (alpha[nodes[k] as number] as number) + (scores[id] as number) + (beta[nodes[k + 1] as number] as number) - z,
      );
      expected[id] = (expected[id] as number) + weight * marginal;
    }
  }

  /**
   * Best segmentation of text `index` without piece `exclude` (−2: none): its ids (`UNKNOWN` for unknown
   * characters) replace the contents of `ids`; returns its score, −∞ when there is none.
   */
  viterbi(index: number, model: PieceScores, ids: number[], exclude = -2): number {
    const from = (this.#offsets[index] as number) * 3;
    const to = (this.#offsets[index + 1] as number) * 3;
    const n = this.#lengths[index] as number;
    const nodes = this.#nodes;
    const {alive, scores, unknownScore} = model;
    const best = this.#alpha;
    const via = this.#via;
    best.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    best[0] = 0;
    for (let k = from; k < to; k += 3) {
      const id = nodes[k + 2] as number;
      let s: number;
      if (id >= 0) {
        if (alive[id] === 0 || id === exclude) continue;
        s = scores[id] as number;
      } else if (id === UNKNOWN || alive[-2 - id] === 0) s = unknownScore;
      else continue;
      const end = nodes[k + 1] as number;
      const score = (best[nodes[k] as number] as number) + s;
      if (score > (best[end] as number)) {
        best[end] = score;
        via[end] = k;
      }
    }
    ids.length = 0;
    if (best[n] === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
    for (let end = n; end > 0; ) {
      const k = via[end] as number;
      const id = nodes[k + 2] as number;
      ids.push(id >= 0 ? id : UNKNOWN);
      end = nodes[k] as number;
    }
    ids.reverse();
    return best[n] as number;
  }
}

/** The score of a lattice node under `model`; NaN when the node is not in its lattice. */
function nodeScore(id: number, model: PieceScores): number {
  if (id >= 0) return model.alive[id] === 0 ? Number.NaN : (model.scores[id] as number);
  return id === UNKNOWN || model.alive[-2 - id] === 0 ? model.unknownScore : Number.NaN;
}

function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Texts per chunk of `CorpusLattices`. */
const CHUNK_TEXTS = 4096;

/**
 * The lattices of many texts in chunks, kept between EM steps while they fit in `nodeBudget` nodes (12 bytes each).
 * Chunks past the budget are found again from the current pieces each time they are visited, as SentencePiece
 * does for every sentence: the same lattices, so the same results, in bounded memory.
 */
export class CorpusLattices {
  readonly #texts: readonly string[];
  readonly #nodeBudget: number;
  readonly #kept: (WordLattices | undefined)[];
  #keptNodes = 0;
  #trie: {model: PieceScores; trie: PieceTrie} | undefined;

  constructor(texts: readonly string[], nodeBudget: number) {
    this.#texts = texts;
    this.#nodeBudget = nodeBudget;
    this.#kept = new Array(Math.ceil(texts.length / CHUNK_TEXTS));
  }

  get length(): number {
    return this.#texts.length;
  }

  /** Calls `visit(lattices, local, index)` for every text in order: text `index` is `local` in `lattices`. */
  forEach(model: PieceScores, visit: (lattices: WordLattices, local: number, index: number) => void): void {
    for (let chunk = 0; chunk < this.#kept.length; chunk++) {
      const from = chunk * CHUNK_TEXTS;
      const to = Math.min(this.#texts.length, from + CHUNK_TEXTS);
      let lattices = this.#kept[chunk];
      if (lattices === undefined) {
        lattices = new WordLattices(this.#trieFor(model), this.#texts.slice(from, to));
        if (this.#keptNodes + lattices.nodeCount <= this.#nodeBudget) {
          this.#kept[chunk] = lattices;
          this.#keptNodes += lattices.nodeCount;
        }
      }
      for (let index = from; index < to; index++) visit(lattices, index - from, index);
    }
  }

  /** Drops the kept nodes of pieces dead in `model` (see `WordLattices.compact`). */
  compact(model: PieceScores): void {
    this.#keptNodes = 0;
    for (const lattices of this.#kept) {
      if (lattices === undefined) continue;
      lattices.compact(model);
      this.#keptNodes += lattices.nodeCount;
    }
  }

  #trieFor(model: PieceScores): PieceTrie {
    if (this.#trie?.model !== model) this.#trie = {model, trie: pieceTrie(model.pieces, model.alive)};
    return this.#trie.trie;
  }
}
