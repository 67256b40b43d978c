import {DoubleArrayTrie} from './double-array-trie.js';
import type {PairTable} from './pair-table.js';

const NONE = 0x7fffffff;
/** Per-token record in `#info`: fields below, 8 slots so that a record never straddles two cache lines. */
const STRIDE = 8;
const LENGTH = 0;
const NEXT_PREFIX = 1;
const FIRST = 2;
const LAST = 3;
/** The token's own merges but the last (which always leaves the token itself): start in `#pops`, count. */
const POP_START = 4;
const POP_COUNT = 5;
/** Codes of the first and last symbols in the dense pair table (`first | last << 16`, 0 when outside it). */
const DENSE_CODES = 6;
/** Rank of the merge that makes the token from its symbols alone; NONE for a symbol. */
const FINAL_RANK = 7;
/** Bounds on the work of building the tables; models past them (hostile files) keep the heap merge. */
const MAX_SPELLED_SYMBOLS = 1 << 25;
const MAX_MERGE_WORK = 1 << 28;
/** Alphabets up to this size get a dense table of the ranks of symbol pairs. */
const DENSE_ALPHABET = 1024;

/**
 * Byte-pair encoding of long pieces in linear time with exactly the ids of merge-order BPE (lowest-ranked
 * adjacent pair first, leftmost on ties): the backtracking encoder of GitHub's rust-gems `bpe` crate.
 *
 * The encoding of a text is the one token sequence that spells it in which every token is its own encoding and
 * every adjacent pair of tokens is "compatible" (merging the pair's symbols alone gives back the pair): a valid
 * prefix followed by a compatible token is the valid encoding of the longer prefix. So the encoder walks left to
 * right taking the longest vocabulary token (a trie over the tokens' initial symbols); when it is not compatible
 * with the previous token it tries the next shorter token that is a prefix of it, and when none is, it drops the
 * previous token and marks that position as no boundary of the encoding, so no position is tried twice.
 *
 * Compatibility is decided without re-merging: merging two tokens' symbols runs each token's own merges (known
 * from building the tables) interleaved by rank, leftmost first, and the pair is incompatible exactly when the
 * pair across the boundary ranks below both sides' next merges at some point of that interleaving.
 */
export class BacktrackingEncoder {
  readonly #pairs: PairTable;
  /** Per token id, STRIDE slots: see the field offsets above. */
  readonly #info: Int32Array;
  /** Each token's own merges as `(rank, leftmost symbol after, rightmost symbol after)`, from POP_START. */
  readonly #pops: Int32Array;
  /** Code of each initial symbol (1…), −1 for ids made by a merge. */
  readonly #codes: Int32Array;
  readonly #trie: DoubleArrayTrie;
  /** Ranks of the pairs of the symbols with codes 1…`#denseSize − 1` by code, −1 when they do not merge. */
  readonly #symbolPairs: Int32Array;
  readonly #denseSize: number;
  readonly #filter: Uint32Array;

  private constructor(pairs: PairTable, tables: Tables) {
    this.#pairs = pairs;
    this.#info = tables.info;
    this.#pops = tables.pops;
    this.#codes = tables.codes;
    this.#trie = tables.trie;
    this.#denseSize = tables.dense + 1;
    this.#filter = pairFilter(pairs);
    this.#symbolPairs = tables.symbolPairs;
  }

  /**
   * Builds the tables for the merges in `pairs` over ids below `span`. Undefined when the merges do not spell
   * each token one way (a token made from different symbol sequences, or a cycle), or when the tables would be
   * too large to build quickly: such models keep the heap merge.
   */
  static build(pairs: PairTable, span: number): BacktrackingEncoder | undefined {
    const tables = buildTables(pairs, span);
    return tables === undefined ? undefined : new BacktrackingEncoder(pairs, tables);
  }

  /**
   * The encoding of the initial symbols `ids[0, count)` as `[id0, end0, id1, end1, …]`, each end read from
   * `ends` at the token's last symbol. Undefined if a symbol is made by a merge (not an initial symbol) or no
   * encoding is found: the heap merge then decides.
   */
  encode(ids: Int32Array, ends: Int32Array, count: number): Int32Array | undefined {
    const codes = this.#codes;
    for (let i = 0; i < count; i++) if ((codes[ids[i] as number] as number) < 0) return undefined;
    const tokens = this.encodeSymbols(ids, codes, count);
    if (tokens === undefined) return undefined;
    const info = this.#info;
    const encoded = new Int32Array(tokens.length * 2);
    let end = 0;
    for (let k = 0; k < tokens.length; k++) {
      const token = tokens[k] as number;
      end += info[token * STRIDE + LENGTH] as number;
      encoded[k * 2] = token;
      encoded[k * 2 + 1] = ends[end - 1] as number;
    }
    return encoded;
  }

  /** The code of an initial symbol for `encodeSymbols` (≥ 1), −1 for an id made by a merge. */
  codeOf(id: number): number {
    return this.#codes[id] as number;
  }

  /**
   * The token ids of the encoding of `symbols[0, count)`, whose codes are `codeOf[symbol]` (all ≥ 1): the
   * symbols are read through the table rather than copied into codes, which on a long piece saves a pass and
   * an array as large as the piece. Undefined if no encoding is found, which sound tables rule out.
   */
  encodeSymbols(symbols: Uint8Array | Int32Array, codeOf: Int32Array, count: number): Int32Array | undefined {
    // The hot loop reads the tables from locals: module functions, no private field lookups per step.
    const context: Context = {
      info: this.#info,
      pops: this.#pops,
      pairs: this.#pairs,
      filter: this.#filter,
      symbolPairs: this.#symbolPairs,
      denseSize: this.#denseSize,
    };
    return backtrack(context, this.#trie.cells, symbols, codeOf, count);
  }
}

interface Context {
  readonly info: Int32Array;
  readonly pops: Int32Array;
  readonly pairs: PairTable;
  readonly filter: Uint32Array;
  readonly symbolPairs: Int32Array;
  readonly denseSize: number;
}

function backtrack(
  context: Context,
  trie: Int32Array,
  symbols: Uint8Array | Int32Array,
  codes: Int32Array,
  count: number,
): Int32Array | undefined {
  const info = context.info;
  const tokens = new Int32Array(count);
  // 0 where the encoding is known to have no boundary (the prefix up to there cannot be continued).
  const open = new Uint8Array(count + 1).fill(1);
  let top = 0;
  let pos = 0;
  let next = longest(trie, symbols, codes, 0, count);
  while (pos < count) {
    let token = next;
    const last = top > 0 ? (tokens[top - 1] as number) : -1;
    for (;;) {
      const end = pos + (info[token * STRIDE + LENGTH] as number);
      if (open[end] === 1 && (last < 0 || compatible(context, last, token))) {
        tokens[top++] = token;
        pos = end;
        if (pos < count) next = longest(trie, symbols, codes, pos, count);
        break;
      }
      const shorter = info[token * STRIDE + NEXT_PREFIX] as number;
      if (shorter >= 0) {
        token = shorter;
        continue;
      }
      // No token at `pos` continues the prefix: `pos` is no boundary; retry the previous token shorter. The
      // encoding exists, so the first token is never dropped; if it were, the tables are wrong and the caller
      // merges the slow way rather than trust them.
      if (last < 0) return undefined;
      open[pos] = 0;
      top--;
      pos -= info[last * STRIDE + LENGTH] as number;
      next = last;
      break;
    }
  }
  return tokens.subarray(0, top);
}

/** The longest token spelled from `pos`, walking the double-array trie's cells (base, check, value). */
function longest(trie: Int32Array, symbols: Uint8Array | Int32Array, codes: Int32Array, pos: number, count: number): number {
  const cells = trie.length;
  let state = 0;
  let best = -1;
  for (let i = pos; i < count; i++) {
    const next = ((trie[state * 4] as number) + (codes[symbols[i] as number] as number)) * 4;
    if (next >= cells || trie[next + 1] !== state) break;
    state = next >> 2;
    const token = trie[next + 2] as number;
    if (token >= 0) best = token;
  }
  return best;
}

/** Whether merging the symbols of `left` then `right` alone gives back `left`, `right`. */
function compatible({info, pops, pairs, filter, symbolPairs, denseSize}: Context, left: number, right: number): boolean {
  const l = left * STRIDE;
  const r = right * STRIDE;
  let x = info[l + LAST] as number;
  let y = info[r + FIRST] as number;
  const xCode = (info[l + DENSE_CODES] as number) >>> 16;
  const yCode = (info[r + DENSE_CODES] as number) & 0xffff;
  let across = xCode > 0 && yCode > 0 ? (symbolPairs[xCode * denseSize + yCode] as number) : mayMerge(filter, x, y) ? pairs.rank(x, y) : -1;
  let i = info[l + POP_START] as number;
  const iEnd = i + (info[l + POP_COUNT] as number) * 3;
  let leftFinal = info[l + FINAL_RANK] as number;
  let j = info[r + POP_START] as number;
  const jEnd = j + (info[r + POP_COUNT] as number) * 3;
  let rightFinal = info[r + FINAL_RANK] as number;
  for (;;) {
    const leftNext = i < iEnd ? (pops[i] as number) : leftFinal;
    const rightNext = j < jEnd ? (pops[j] as number) : rightFinal;
    // The pair across the boundary merges first: before the left side's next merge (which lies to its left and
    // wins ties) and not after the right side's (which lies to its right).
    if (across >= 0 && across < leftNext && across <= rightNext) return false;
    if (leftNext === NONE && rightNext === NONE) return true;
    let changed: number;
    if (leftNext <= rightNext) {
      if (i < iEnd) {
        changed = pops[i + 2] as number;
        i += 3;
      } else {
        changed = left;
        leftFinal = NONE;
      }
      if (changed === x) continue;
      x = changed;
    } else {
      if (j < jEnd) {
        changed = pops[j + 1] as number;
        j += 3;
      } else {
        changed = right;
        rightFinal = NONE;
      }
      if (changed === y) continue;
      y = changed;
    }
    across = mayMerge(filter, x, y) ? pairs.rank(x, y) : -1;
  }
}

/**
 * A Bloom filter of the merging pairs (two bits per pair), small enough to stay in cache: most pairs looked up
 * do not merge, and the filter answers those without touching the large pair table.
 */
function pairFilter(pairs: PairTable): Uint32Array {
  let bits = 1 << 16;
  while (bits < pairs.size * 16 && bits < 1 << 24) bits *= 2;
  const filter = new Uint32Array(bits / 32);
  const mask = bits - 1;
  pairs.forEach((a, b) => {
    const h = pairHash(a, b);
    const h2 = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    const one = h & mask;
    const two = (h2 >>> 7) & mask;
    filter[one >>> 5] = (filter[one >>> 5] as number) | (1 << (one & 31));
    filter[two >>> 5] = (filter[two >>> 5] as number) | (1 << (two & 31));
  });
  return filter;
}

function mayMerge(filter: Uint32Array, a: number, b: number): boolean {
  const mask = filter.length * 32 - 1;
  const h = pairHash(a, b);
  const h2 = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  const one = h & mask;
  const two = (h2 >>> 7) & mask;
  return ((filter[one >>> 5] as number) & (1 << (one & 31))) !== 0 && ((filter[two >>> 5] as number) & (1 << (two & 31))) !== 0;
}

function pairHash(a: number, b: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  return h ^ (h >>> 16);
}

interface Tables {
  info: Int32Array;
  pops: Int32Array;
  codes: Int32Array;
  trie: DoubleArrayTrie;
  dense: number;
  symbolPairs: Int32Array;
}

/** A token made by a merge, by its lowest-ranked merge; the others must spell it the same way. */
interface Definitions {
  left: Int32Array;
  right: Int32Array;
  /** `(left, right, made)` of every merge. */
  merges: Int32Array;
}

function buildTables(pairs: PairTable, span: number): Tables | undefined {
  const definitions = defineTokens(pairs, span);
  if (definitions === undefined) return undefined;
  const spelled = spellTokens(definitions, span);
  if (spelled === undefined) return undefined;
  const info = new Int32Array(span * STRIDE);
  const pops = recordOwnMerges(pairs, spelled, span, info);
  if (pops === undefined) return undefined;
  const {codes, dense} = alphabetOf(spelled, span, info);
  const trie = buildTrie(spelled, span, info, codes);
  nextPrefixes(spelled, span, info, codes, trie);
  return {info, pops, codes, trie, dense, symbolPairs: symbolPairRanks(pairs, codes, dense)};
}

function defineTokens(pairs: PairTable, span: number): Definitions | undefined {
  const left = new Int32Array(span).fill(-1);
  const right = new Int32Array(span).fill(-1);
  const rank = new Int32Array(span).fill(NONE);
  const merges = new Int32Array(pairs.size * 3);
  let k = 0;
  let outside = false;
  pairs.forEach((a, b, r, id) => {
    if (a >= span || b >= span || id >= span) outside = true;
    else {
      merges[k++] = a;
      merges[k++] = b;
      merges[k++] = id;
      if (r < (rank[id] as number)) {
        rank[id] = r;
        left[id] = a;
        right[id] = b;
      }
    }
  });
  return outside ? undefined : {left, right, merges};
}

/** Initial symbols of every token: token t spans `symbols[start[t], start[t] + length[t])`. */
interface Spelled {
  atomic: Uint8Array;
  start: Int32Array;
  length: Int32Array;
  symbols: Int32Array;
}

function spellTokens({left, right, merges}: Definitions, span: number): Spelled | undefined {
  const atomic = new Uint8Array(span);
  for (let id = 0; id < span; id++) atomic[id] = left[id] === -1 ? 1 : 0;
  const length = Int32Array.from(atomic);
  const start = new Int32Array(span).fill(-1);
  let symbols = new Int32Array(1024);
  let used = 0;
  // 1 while being spelled (a cycle when met again), 2 when spelled.
  const state = new Uint8Array(span);
  const copy = (id: number, at: number) => {
    if (atomic[id] === 1) symbols[at] = id;
    else symbols.copyWithin(at, start[id] as number, (start[id] as number) + (length[id] as number));
  };
  const spell = (id: number): boolean => {
    if (atomic[id] === 1 || state[id] === 2) return true;
    if (state[id] === 1) return false;
    state[id] = 1;
    const a = left[id] as number;
    const b = right[id] as number;
    if (!spell(a) || !spell(b)) return false;
    const size = (length[a] as number) + (length[b] as number);
    if (used + size > MAX_SPELLED_SYMBOLS) return false;
    if (used + size > symbols.length) {
      const grown = new Int32Array(Math.max(symbols.length * 2, used + size));
      grown.set(symbols);
      symbols = grown;
    }
    start[id] = used;
    copy(a, used);
    copy(b, used + (length[a] as number));
    length[id] = size;
    used += size;
    state[id] = 2;
    return true;
  };
  for (let id = 0; id < span; id++) if (!spell(id)) return undefined;
  const spelled = {atomic, start, length, symbols};
  for (let m = 0; m < merges.length; m += 3) {
    const a = merges[m] as number;
    const b = merges[m + 1] as number;
    const id = merges[m + 2] as number;
    const la = length[a] as number;
    if (la + (length[b] as number) !== length[id]) return undefined;
    for (let k = 0; k < (length[id] as number); k++) {
      if (symbolOf(spelled, id, k) !== (k < la ? symbolOf(spelled, a, k) : symbolOf(spelled, b, k - la))) return undefined;
    }
  }
  return spelled;
}

function symbolOf({atomic, start, symbols}: Spelled, id: number, k: number): number {
  return atomic[id] === 1 ? id : (symbols[(start[id] as number) + k] as number);
}

/**
 * Merges each token's symbols alone, recording its merges; fills LENGTH, FIRST, LAST, POP_START, POP_COUNT,
 * FINAL_RANK and marks tokens whose symbols do not merge back into them (they never appear in an encoding) with LENGTH 0.
 */
function recordOwnMerges(pairs: PairTable, spelled: Spelled, span: number, info: Int32Array): Int32Array | undefined {
  let pops = new Int32Array(1024);
  let used = 0;
  let work = 0;
  let symbols = new Int32Array(64);
  let ranks = new Int32Array(64);
  for (let id = 0; id < span; id++) {
    const at = id * STRIDE;
    const size = spelled.length[id] as number;
    info[at + LENGTH] = size;
    info[at + FIRST] = symbolOf(spelled, id, 0);
    info[at + LAST] = symbolOf(spelled, id, size - 1);
    info[at + NEXT_PREFIX] = -1;
    info[at + POP_START] = used;
    info[at + FINAL_RANK] = NONE;
    if (spelled.atomic[id] === 1) continue;
    work += size * size;
    if (work > MAX_MERGE_WORK) return undefined;
    if (symbols.length < size) {
      symbols = new Int32Array(size * 2);
      ranks = new Int32Array(size * 2);
    }
    if (used + size * 3 > pops.length) {
      const grown = new Int32Array(Math.max(pops.length * 2, used + size * 3));
      grown.set(pops);
      pops = grown;
    }
    for (let k = 0; k < size; k++) symbols[k] = symbolOf(spelled, id, k);
    const left = mergeRecording(pairs, symbols, ranks, size, pops, used);
    if (left !== 1 || symbols[0] !== id) {
      info[at + LENGTH] = 0;
      continue;
    }
    info[at + POP_COUNT] = size - 2;
    info[at + FINAL_RANK] = pops[used + (size - 2) * 3] as number;
    used += (size - 2) * 3;
  }
  return pops.slice(0, used);
}

/**
 * Merges `symbols[0, count)` in place as BPE does (lowest rank, leftmost first), writing `(rank, leftmost symbol,
 * rightmost symbol)` after each merge into `pops` from `at`; returns the number of symbols left.
 */
function mergeRecording(pairs: PairTable, symbols: Int32Array, ranks: Int32Array, count: number, pops: Int32Array, at: number): number {
  let n = count;
  let out = at;
  for (let i = 0; i + 1 < n; i++) ranks[i] = pairs.rank(symbols[i] as number, symbols[i + 1] as number);
  for (;;) {
    let best = -1;
    let bestRank = NONE;
    for (let i = 0; i + 1 < n; i++) {
      const rank = ranks[i] as number;
      if (rank >= 0 && rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    if (best < 0) return n;
    const slot = pairs.find(symbols[best] as number, symbols[best + 1] as number);
    symbols[best] = pairs.idAt(slot);
    symbols.copyWithin(best + 1, best + 2, n);
    ranks.copyWithin(best + 1, best + 2, n);
    n--;
    if (best > 0) ranks[best - 1] = pairs.rank(symbols[best - 1] as number, symbols[best] as number);
    if (best + 1 < n) ranks[best] = pairs.rank(symbols[best] as number, symbols[best + 1] as number);
    pops[out++] = bestRank;
    pops[out++] = symbols[0] as number;
    pops[out++] = symbols[n - 1] as number;
  }
}

/**
 * Codes 1… for every initial symbol, those of tokens that can appear first (the dense pair table covers them);
 * fills DENSE_CODES.
 */
function alphabetOf(spelled: Spelled, span: number, info: Int32Array): {codes: Int32Array; dense: number} {
  const codes = new Int32Array(span);
  for (let id = 0; id < span; id++) if (spelled.atomic[id] === 0) codes[id] = -1;
  let alphabet = 0;
  for (let id = 0; id < span; id++) {
    if (info[id * STRIDE + LENGTH] === 0 || spelled.atomic[id] === 1) continue;
    for (let k = 0; k < (spelled.length[id] as number); k++) {
      const symbol = symbolOf(spelled, id, k);
      if (codes[symbol] === 0) codes[symbol] = ++alphabet;
    }
  }
  const dense = alphabet <= DENSE_ALPHABET ? alphabet : 0;
  for (let id = 0; id < span; id++) if (codes[id] === 0) codes[id] = ++alphabet;
  const denseCode = (symbol: number) => ((codes[symbol] as number) <= dense ? (codes[symbol] as number) : 0);
  for (let id = 0; id < span; id++) {
    const at = id * STRIDE;
    info[at + DENSE_CODES] = denseCode(info[at + FIRST] as number) | (denseCode(info[at + LAST] as number) << 16);
  }
  return {codes, dense};
}

/** The trie of every token that can appear (and every symbol of one), keyed by its symbols' codes. */
function buildTrie(spelled: Spelled, span: number, info: Int32Array, codes: Int32Array): DoubleArrayTrie {
  const keys: number[] = [];
  for (let id = 0; id < span; id++) if ((info[id * STRIDE + LENGTH] as number) > 0) keys.push(id);
  const code = (id: number, k: number) => codes[symbolOf(spelled, id, k)] as number;
  keys.sort((a, b) => {
    const la = spelled.length[a] as number;
    const lb = spelled.length[b] as number;
    for (let k = 0; k < la && k < lb; k++) {
      const d = code(a, k) - code(b, k);
      if (d !== 0) return d;
    }
    return la - lb;
  });
  return DoubleArrayTrie.build(
    keys.length,
    (k) => spelled.length[keys[k] as number] as number,
    (k, depth) => code(keys[k] as number, depth),
    (k) => keys[k] as number,
  );
}

/** NEXT_PREFIX of every token: the longest token that is a proper prefix of it. */
function nextPrefixes(spelled: Spelled, span: number, info: Int32Array, codes: Int32Array, trie: DoubleArrayTrie): void {
  for (let id = 0; id < span; id++) {
    const size = info[id * STRIDE + LENGTH] as number;
    if (size < 2) continue;
    let state = 0;
    let best = -1;
    for (let k = 0; k + 1 < size; k++) {
      state = trie.child(state, codes[symbolOf(spelled, id, k)] as number);
      const token = trie.value(state);
      if (token >= 0) best = token;
    }
    info[id * STRIDE + NEXT_PREFIX] = best;
  }
}

/** Ranks of the pairs of the first `dense` codes' symbols. */
function symbolPairRanks(pairs: PairTable, codes: Int32Array, dense: number): Int32Array {
  const size = dense + 1;
  const ranks = new Int32Array(size * size).fill(-1);
  const symbols = new Int32Array(size);
  codes.forEach((code, id) => {
    if (code > 0 && code < size) symbols[code] = id;
  });
  for (let x = 1; x < size; x++)
    for (let y = 1; y < size; y++) ranks[x * size + y] = pairs.rank(symbols[x] as number, symbols[y] as number);
  return ranks;
}
