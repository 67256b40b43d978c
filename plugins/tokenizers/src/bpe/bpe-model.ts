import {CodexError, ExitCode, forEachUtf8Byte, utf8} from '@codex-ml/core';
import {BYTE_TO_CHAR} from '../pipeline/byte-level-alphabet.js';
import {spellPiece} from '../pipeline/byte-level-pre-tokenizer.js';
import {type JsonObject, OrderedJsonObject} from '../pipeline/json-value.js';
import type {Model, ModelToken} from '../pipeline/model.js';
import {BacktrackingEncoder} from './backtracking-encoder.js';
import {PairTable} from './pair-table.js';
import {PieceCache} from './piece-cache.js';
import {appendPackedIds, unpackTokens} from '../pipeline/packed-tokens.js';

/** Settings of a BPE model besides its vocabulary and merges (tokenizer.json `model` fields). */
export interface BpeOptions {
  /** Token for characters missing from the vocabulary; byte-level models need none. */
  readonly unkToken?: string | undefined;
  readonly continuingSubwordPrefix?: string | undefined;
  readonly endOfWordSuffix?: string | undefined;
  readonly fuseUnk?: boolean;
  readonly byteFallback?: boolean;
  /** Emit a piece found whole in the vocabulary as one token without merging (Llama 3 style). */
  readonly ignoreMerges?: boolean;
  /**
   * Rank of each merge when it is not its position: tiktoken ranks several merges that make the same token
   * equally, and then the leftmost pair wins. tokenizer.json cannot express this, so it is not saved.
   */
  readonly mergeRanks?: readonly number[];
  /** Id each merge makes, when the caller already knows it (saves rebuilding and looking up every token). */
  readonly mergeTargets?: readonly number[];
  /**
   * Merges to write to tokenizer.json instead of `merges`, when those carry `mergeRanks` the format cannot hold:
   * one merge per token, in token order (how tiktoken vocabularies are converted).
   */
  readonly savedMerges?: readonly (readonly [number, number])[];
}

const WORD_MARKER = '\u2581';
/** Pieces longer than this are not cached (they are rare and would crowd out the common ones). */
const CACHE_PIECE_LIMIT = 64;
/** Pieces with more symbols than this are encoded in linear time (backtracking) instead of rescanning (O(n²)). */
const LONG_PIECE = 256;
/** Entries kept in the piece cache; when full, new pieces are encoded without being cached. */
const CACHE_CAPACITY = 200_000;

/**
 * Byte-pair encoding over a vocabulary and a ranked merge list (tokenizer.json model type `BPE`). A piece is
 * split into characters, then the adjacent pair with the lowest merge rank is merged, leftmost first on ties,
 * until no pair merges — the rule of Hugging Face tokenizers and, with merges derived from ranks, of tiktoken.
 * Encoded pieces are cached by their text.
 */
export class BpeModel implements Model {
  readonly type = 'BPE';
  readonly options: Required<Pick<BpeOptions, 'fuseUnk' | 'byteFallback' | 'ignoreMerges'>> &
    Omit<BpeOptions, 'mergeRanks' | 'mergeTargets' | 'savedMerges'>;
  readonly merges: readonly (readonly [number, number])[];
  readonly #savedMerges: readonly (readonly [number, number])[] | undefined;
  readonly #vocab: Map<string, number>;
  readonly #tokens: (string | undefined)[];
  readonly #pairs: PairTable;
  /** Id of the one-character token for each byte-level character code, −1 when absent. */
  readonly #byteCharIds: Int32Array;
  /** Id of each byte's byte-level character token, −1 when absent. */
  readonly #byteIds: Int32Array;
  /** Encoded pieces by piece text (model alphabet). */
  readonly #cache = new Map<string, Int32Array>();
  /** Encoded pieces by source text (before byte-level spelling); kept apart since the two key spaces overlap. */
  readonly #sourceCache = new PieceCache(CACHE_CAPACITY);
  readonly #unkId: number | undefined;
  /** Null until the first long piece needs it; undefined when the merges do not allow it (the heap merge then does). */
  #backtracking: BacktrackingEncoder | undefined | null = null;
  /** The encoder's code of each byte's token (−1 when the byte has none). */
  #byteCodes: Int32Array | undefined;
  /** Every byte has a code: then long byte-level pieces need no check before encoding. */
  #allBytesCoded = false;
  /**
   * SentencePiece's word marker `▁` when no token has it after another character (Llama 2, Mistral, Gemma): then
   * no token can span a position where `▁` follows a non-`▁`, so a piece without pre-tokenization (a whole line)
   * is merged word by word, each word cached, with the same result as merging it whole.
   */
  readonly #wordMarker: string | undefined;
  readonly vocabSize: number;
  /** Code units of the longest token: a longer piece is never one token. */
  readonly #longestToken: number;

  /**
   * @param vocab token → id; ids need not be contiguous.
   * @param merges pairs of token ids in rank order; each pair's concatenation must be in the vocabulary.
   */
  constructor(vocab: ReadonlyMap<string, number>, merges: readonly (readonly [number, number])[], options: BpeOptions = {}) {
    const {mergeRanks: _ranks, mergeTargets: _targets, savedMerges, ...settings} = options;
    this.#savedMerges = savedMerges;
    this.options = {fuseUnk: false, byteFallback: false, ignoreMerges: false, ...settings};
    this.#vocab = new Map(vocab);
    let size = 0;
    let longest = 0;
    for (const [token, id] of vocab) {
      size = Math.max(size, id + 1);
      longest = Math.max(longest, token.length);
    }
    this.vocabSize = size;
    this.#longestToken = longest;
    // Array.from, not new Array(n): large preallocated arrays start in slow dictionary mode.
    this.#tokens = Array.from({length: size}, () => undefined);
    for (const [token, id] of vocab) this.#tokens[id] = token;
    this.#pairs = new PairTable(merges.length);
    const kept: [number, number][] = [];
    merges.forEach(([a, b], rank) => {
      const left = this.#tokens[a];
      const right = this.#tokens[b];
      const known = options.mergeTargets?.[rank];
      const merged =
        known !== undefined && this.#tokens[known] !== undefined
          ? known
          : left === undefined || right === undefined
            ? undefined
            : this.#vocab.get(mergedToken(left, right, this.options.continuingSubwordPrefix));
      if (merged === undefined) {
        throw new CodexError(
          'E_TOKENIZER',
          `merge ${rank} (${left ?? `id ${a}`} + ${right ?? `id ${b}`}) makes a token missing from the vocabulary`,
          {
            hint: 'every merge must produce a token of the vocabulary',
            exitCode: ExitCode.input,
          },
        );
      }
      if (this.#pairs.add(a, b, options.mergeRanks?.[rank] ?? rank, merged)) kept.push([a, b]);
    });
    this.merges = kept;
    this.#byteCharIds = new Int32Array(0x144).fill(-1);
    this.#byteIds = new Int32Array(256).fill(-1);
    BYTE_TO_CHAR.forEach((char, byte) => {
      const id = this.#vocab.get(char);
      if (id !== undefined) {
        this.#byteCharIds[char.charCodeAt(0)] = id;
        this.#byteIds[byte] = id;
      }
    });
    this.#wordMarker = this.options.ignoreMerges || !this.#vocab.has(WORD_MARKER) ? undefined : WORD_MARKER;
    if (this.#wordMarker !== undefined) {
      for (const token of this.#vocab.keys()) {
        let lead = 0;
        while (token[lead] === WORD_MARKER) lead++;
        if (token.indexOf(WORD_MARKER, lead) >= 0) {
          this.#wordMarker = undefined;
          break;
        }
      }
    }
    const unk = options.unkToken;
    this.#unkId = unk === undefined ? undefined : this.#vocab.get(unk);
    if (unk !== undefined && this.#unkId === undefined) {
      throw new CodexError('E_TOKENIZER', `unk_token "${unk}" is not in the vocabulary`, {
        hint: 'add the unknown token to the vocabulary or set unk_token to null',
        exitCode: ExitCode.input,
      });
    }
  }

  /** The vocabulary as `[token, id]` pairs in id order. */
  vocabEntries(): [string, number][] {
    const entries: [string, number][] = [];
    this.#tokens.forEach((token, id) => {
      if (token !== undefined) entries.push([token, id]);
    });
    return entries;
  }

  tokenToId(token: string): number | undefined {
    return this.#vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.#tokens[id];
  }

  tokenize(piece: string): ModelToken[] {
    return unpackTokens(this.#encodePiece(piece));
  }

  tokenizeIds(piece: string, out: number[]): void {
    appendPackedIds(this.#encodePiece(piece), out);
  }

  /**
   * `[id0, byteEnd0, id1, byteEnd1, …]` for the UTF-8 bytes of `text[start, end)`: ids with the end of each
   * token in bytes of the piece. Cached by piece text; do not modify the result.
   */
  encodeUtf8Range(text: string, start: number, end: number): Int32Array {
    const cacheable = end - start <= CACHE_PIECE_LIMIT;
    const hash = cacheable ? PieceCache.hash(text, start, end) : 0;
    const cached = cacheable ? this.#sourceCache.get(text, start, end, hash) : undefined;
    if (cached !== undefined) return cached;
    const source = text.slice(start, end);
    const ids = this.#utf8Symbols(source);
    let encoded: Int32Array;
    if (ids === undefined) {
      // Some byte has no token: the character path (unknown token or dropped bytes), ends already in bytes.
      encoded = this.#encodePiece(spellPiece(source, 0, source.length, 0).text);
    } else {
      const whole = this.options.ignoreMerges && ids.length <= this.#longestToken ? this.#vocab.get(this.#spell(ids)) : undefined;
      if (whole !== undefined) {
        encoded = Int32Array.of(whole, ids.length);
      } else {
        const ends = new Int32Array(ids.length);
        for (let i = 0; i < ends.length; i++) ends[i] = i + 1;
        encoded = this.#merge(ids, ends, ids.length);
      }
    }
    if (cacheable) this.#sourceCache.set(source.length < 13 ? source : ` ${source}`.slice(1), hash, encoded);
    return encoded;
  }

  /** Appends the ids of `encodeUtf8Range(text, start, end)`: long pieces go from their bytes straight to `out`. */
  appendUtf8RangeIds(text: string, start: number, end: number, out: number[]): void {
    const encoder = end - start > LONG_PIECE ? this.#encoder() : undefined;
    const byteCodes = this.#byteCodes;
    if (encoder !== undefined && byteCodes !== undefined) {
      const bytes = Buffer.from(text.slice(start, end), 'utf8');
      const count = bytes.length;
      let known = !(this.options.ignoreMerges && count <= this.#longestToken);
      if (known && !this.#allBytesCoded) for (let i = 0; i < count && known; i++) known = (byteCodes[bytes[i] as number] as number) > 0;
      const ids = known ? encoder.encodeSymbols(bytes, byteCodes, count) : undefined;
      if (ids !== undefined) {
        appendAll(ids, out);
        return;
      }
    }
    appendPackedIds(this.encodeUtf8Range(text, start, end), out);
  }

  toJSON(): JsonObject {
    return {
      type: this.type,
      dropout: null,
      unk_token: this.options.unkToken ?? null,
      continuing_subword_prefix: this.options.continuingSubwordPrefix ?? null,
      end_of_word_suffix: this.options.endOfWordSuffix ?? null,
      fuse_unk: this.options.fuseUnk,
      byte_fallback: this.options.byteFallback,
      ignore_merges: this.options.ignoreMerges,
      vocab: new OrderedJsonObject(this.vocabEntries()),
      merges: (this.#savedMerges ?? this.merges).map(([a, b]) => [this.#tokens[a] as string, this.#tokens[b] as string]),
    };
  }

  /** `[id0, end0, id1, end1, …]` for a piece, `end` in code units of the piece. */
  #encodePiece(piece: string): Int32Array {
    const cached = this.#cache.get(piece);
    if (cached !== undefined) return cached;
    if (this.#wordMarker !== undefined && piece.length > CACHE_PIECE_LIMIT) return this.#encodeWords(piece, this.#wordMarker);
    let encoded: Int32Array;
    const whole = this.options.ignoreMerges && piece.length <= this.#longestToken ? this.#vocab.get(piece) : undefined;
    if (whole !== undefined) {
      encoded = Int32Array.of(whole, piece.length);
    } else {
      const [ids, ends, count] = this.#symbols(piece);
      encoded = this.#merge(ids, ends, count);
    }
    if (piece.length <= CACHE_PIECE_LIMIT && this.#cache.size < CACHE_CAPACITY) this.#cache.set(piece, encoded);
    return encoded;
  }

  /** A long piece merged word by word (cut where the marker follows another character); ends shifted to the piece. */
  #encodeWords(piece: string, marker: string): Int32Array {
    const parts: Int32Array[] = [];
    const starts: number[] = [];
    let total = 0;
    let start = 0;
    const flush = (end: number) => {
      const word = piece.slice(start, end);
      const encoded = word.length > CACHE_PIECE_LIMIT ? this.#encodeWhole(word) : this.#encodePiece(word);
      parts.push(encoded);
      starts.push(start);
      total += encoded.length;
      start = end;
    };
    for (let at = piece.indexOf(marker, 1); at > 0; at = piece.indexOf(marker, at + 1)) {
      if (piece[at - 1] !== marker) flush(at);
    }
    flush(piece.length);
    const out = new Int32Array(total);
    let k = 0;
    parts.forEach((encoded, i) => {
      const shift = starts[i] as number;
      for (let j = 0; j < encoded.length; j += 2) {
        out[k++] = encoded[j] as number;
        out[k++] = (encoded[j + 1] as number) + shift;
      }
    });
    return out;
  }

  #encodeWhole(piece: string): Int32Array {
    const [ids, ends, count] = this.#symbols(piece);
    return this.#merge(ids, ends, count);
  }

  /** Initial symbols of a piece: one per character (byte-level: per code unit), with prefix/suffix applied. */
  #symbols(piece: string): [Int32Array, Int32Array, number] {
    // Byte fallback turns one code unit into up to three byte tokens.
    const capacity = this.options.byteFallback ? piece.length * 3 : piece.length;
    const ids = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    let count = 0;
    const byteChars = this.#byteCharIds;
    const {continuingSubwordPrefix: prefix, endOfWordSuffix: suffix} = this.options;
    const plain = prefix === undefined && suffix === undefined;
    let lastUnk = false;
    for (let i = 0; i < piece.length; ) {
      const code = piece.charCodeAt(i);
      let id = plain && code < byteChars.length ? (byteChars[code] as number) : -1;
      let width = 1;
      if (id < 0) {
        width = code >= 0xd800 && code <= 0xdbff && i + 1 < piece.length ? 2 : 1;
        let symbol = piece.slice(i, i + width);
        if (prefix !== undefined && i > 0) symbol = prefix + symbol;
        if (suffix !== undefined && i + width === piece.length) symbol += suffix;
        id = this.#vocab.get(symbol) ?? -1;
      }
      if (id < 0) {
        const fallback = this.options.byteFallback ? this.#byteFallbackIds(piece.slice(i, i + width)) : undefined;
        if (fallback !== undefined) {
          for (const byteId of fallback) {
            ids[count] = byteId;
            ends[count++] = i + width;
          }
          lastUnk = false;
        } else if (this.#unkId !== undefined) {
          if (this.options.fuseUnk && lastUnk) {
            ends[count - 1] = i + width;
          } else {
            ids[count] = this.#unkId;
            ends[count++] = i + width;
          }
          lastUnk = true;
        }
        i += width;
        continue;
      }
      lastUnk = false;
      ids[count] = id;
      ends[count++] = i + width;
      i += width;
    }
    return [ids, ends, count];
  }

  /** The token string of a sequence of single-byte token ids. */
  #spell(ids: Int32Array): string {
    let text = '';
    for (const id of ids) text += this.#tokens[id] as string;
    return text;
  }

  #byteFallbackIds(char: string): number[] | undefined {
    const ids: number[] = [];
    for (const byte of utf8(char)) {
      const id = this.#vocab.get(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (id === undefined) return undefined;
      ids.push(id);
    }
    return ids;
  }

  /** Byte token ids of `source`'s UTF-8, or undefined when a byte has no token (the general path decides). */
  #utf8Symbols(source: string): Int32Array | undefined {
    const byteIds = this.#byteIds;
    if (source.length > CACHE_PIECE_LIMIT) {
      // Long pieces: the native encoder (lone surrogates as U+FFFD too), then one table lookup per byte.
      const bytes = Buffer.from(source, 'utf8');
      const out = new Int32Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) {
        const id = byteIds[bytes[i] as number] as number;
        if (id < 0) return undefined;
        out[i] = id;
      }
      return out;
    }
    // Exactly one slot per UTF-8 byte (lone surrogates count as the 3 bytes of U+FFFD, as Buffer counts them).
    const out = new Int32Array(Buffer.byteLength(source, 'utf8'));
    let n = 0;
    let missing = false;
    const push = (byte: number) => {
      const id = byteIds[byte] as number;
      if (id < 0) missing = true;
      else out[n++] = id;
    };
    forEachUtf8Byte(source, 0, push);
    return missing ? undefined : out.subarray(0, n);
  }

  /**
   * Merges symbols in place: repeatedly the adjacent pair of lowest rank, the leftmost on ties. Pair ranks are
   * kept in an array and only the two neighbours of a merge are looked up again.
   */
  #merge(ids: Int32Array, ends: Int32Array, count: number): Int32Array {
    if (count > LONG_PIECE) return this.#encoder()?.encode(ids, ends, count) ?? this.#mergeLong(ids, ends, count);
    const pairs = this.#pairs;
    let n = count;
    if (n > 1) {
      const ranks = new Int32Array(n);
      const slots = new Int32Array(n);
      for (let i = 0; i + 1 < n; i++) {
        const slot = pairs.find(ids[i] as number, ids[i + 1] as number);
        slots[i] = slot;
        ranks[i] = slot < 0 ? 0x7fffffff : pairs.rankAt(slot);
      }
      ranks[n - 1] = 0x7fffffff;
      for (;;) {
        let best = -1;
        let bestRank = 0x7fffffff;
        for (let i = 0; i + 1 < n; i++) {
          const rank = ranks[i] as number;
          if (rank < bestRank) {
            bestRank = rank;
            best = i;
          }
        }
        if (best < 0) break;
        ids[best] = pairs.idAt(slots[best] as number);
        ends[best] = ends[best + 1] as number;
        ids.copyWithin(best + 1, best + 2, n);
        ends.copyWithin(best + 1, best + 2, n);
        ranks.copyWithin(best + 1, best + 2, n);
        slots.copyWithin(best + 1, best + 2, n);
        n--;
        ranks[n - 1] = 0x7fffffff;
        for (const i of [best - 1, best]) {
          if (i < 0 || i + 1 >= n) continue;
          const slot = pairs.find(ids[i] as number, ids[i + 1] as number);
          slots[i] = slot;
          ranks[i] = slot < 0 ? 0x7fffffff : pairs.rankAt(slot);
        }
      }
    }
    const encoded = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) {
      encoded[i * 2] = ids[i] as number;
      encoded[i * 2 + 1] = ends[i] as number;
    }
    return encoded;
  }

  #encoder(): BacktrackingEncoder | undefined {
    if (this.#backtracking === null) {
      const encoder = BacktrackingEncoder.build(this.#pairs, this.vocabSize);
      this.#backtracking = encoder;
      this.#byteCodes = encoder && Int32Array.from(this.#byteIds, (id) => (id < 0 ? -1 : encoder.codeOf(id)));
      this.#allBytesCoded = this.#byteCodes?.every((code) => code > 0) ?? false;
    }
    return this.#backtracking;
  }

  /**
   * The same merges for long pieces in O(n log n): symbols in a linked list, candidate merges in a binary heap
   * ordered by (rank, position) — Hugging Face's `Word::merge_all`. Stale candidates are skipped on pop.
   */
  #mergeLong(ids: Int32Array, ends: Int32Array, count: number): Int32Array {
    const pairs = this.#pairs;
    const next = new Int32Array(count);
    const prev = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      next[i] = i + 1 < count ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // Heap of candidate merges keyed rank × 2^27 + position (exact in a double: ranks < 2^23, positions < 2^27
    // or, past that, compared as two numbers); stale entries are skipped on pop. At most count − 1 initial
    // entries plus two per merge, and merges are fewer than count.
    const wide = count >= 1 << 27;
    const capacity = Math.max(1, count * 3);
    const heap = new Float64Array(capacity);
    const heapPos = wide ? new Int32Array(capacity) : undefined;
    let size = 0;
    const key = (rank: number, pos: number) => (wide ? rank : rank * 134217728 + pos);
    const below = (a: number, aPos: number, j: number) =>
      heapPos === undefined ? a < (heap[j] as number) : a !== heap[j] ? a < (heap[j] as number) : aPos < (heapPos[j] as number);
    const push = (rank: number, pos: number) => {
      const value = key(rank, pos);
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!below(value, pos, parent)) break;
        heap[at] = heap[parent] as number;
        if (heapPos) heapPos[at] = heapPos[parent] as number;
        at = parent;
      }
      heap[at] = value;
      if (heapPos) heapPos[at] = pos;
    };
    const pop = (): [number, number] => {
      const top = heap[0] as number;
      const topPos = heapPos ? (heapPos[0] as number) : top % 134217728;
      const last = --size;
      const value = heap[last] as number;
      const valuePos = heapPos ? (heapPos[last] as number) : 0;
      let at = 0;
      for (;;) {
        let child = at * 2 + 1;
        if (child >= last) break;
        if (child + 1 < last && below(heap[child + 1] as number, heapPos ? (heapPos[child + 1] as number) : 0, child)) child++;
        if (below(value, valuePos, child)) break;
        heap[at] = heap[child] as number;
        if (heapPos) heapPos[at] = heapPos[child] as number;
        at = child;
      }
      heap[at] = value;
      if (heapPos) heapPos[at] = valuePos;
      return [heapPos ? top : Math.floor(top / 134217728), topPos];
    };
    const candidate = (left: number) => {
      const right = next[left] as number;
      if (right < 0) return;
      const slot = pairs.find(ids[left] as number, ids[right] as number);
      if (slot >= 0) push(pairs.rankAt(slot), left);
    };
    for (let i = 0; i + 1 < count; i++) candidate(i);
    while (size > 0) {
      const [rank, left] = pop();
      if (ids[left] === -1) continue;
      const right = next[left] as number;
      if (right < 0) continue;
      const slot = pairs.find(ids[left] as number, ids[right] as number);
      if (slot < 0 || pairs.rankAt(slot) !== rank) continue;
      ids[left] = pairs.idAt(slot);
      ends[left] = ends[right] as number;
      ids[right] = -1;
      const after = next[right] as number;
      next[left] = after;
      if (after >= 0) prev[after] = left;
      const previous = prev[left] as number;
      if (previous >= 0) candidate(previous);
      candidate(left);
    }
    let tokens = 0;
    for (let i = 0; i >= 0; i = next[i] as number) tokens++;
    const encoded = new Int32Array(tokens * 2);
    let k = 0;
    for (let i = 0; i >= 0; i = next[i] as number) {
      encoded[k++] = ids[i] as number;
      encoded[k++] = ends[i] as number;
    }
    return encoded;
  }
}

/** The token a merge of `left` and `right` produces (a continuation prefix on `right` is dropped). */
export function mergedToken(left: string, right: string, continuingSubwordPrefix: string | undefined): string {
  if (continuingSubwordPrefix !== undefined && right.startsWith(continuingSubwordPrefix)) {
    return left + right.slice(continuingSubwordPrefix.length);
  }
  return left + right;
}

/** V8 turns an array whose length is set past this into a slow dictionary; pushing keeps it fast. */
const FAST_ARRAY_LENGTH = 1 << 25;

/** Appends `ids` to `out`: written in place after one resize (cheaper than pushing one by one) while V8 allows. */
function appendAll(ids: Int32Array, out: number[]): void {
  const base = out.length;
  const inPlace = Math.max(0, Math.min(ids.length, FAST_ARRAY_LENGTH - base));
  out.length = base + inPlace;
  for (let i = 0; i < inPlace; i++) out[base + i] = ids[i] as number;
  for (let i = inPlace; i < ids.length; i++) out.push(ids[i] as number);
}
