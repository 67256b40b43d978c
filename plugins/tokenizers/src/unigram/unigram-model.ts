import {CodexError, ExitCode} from '@codex-ml/core';
import {byteFallbackIds} from '../pipeline/byte-fallback.js';
import type {JsonObject, JsonValue} from '../pipeline/json-value.js';
import type {Model, ModelToken} from '../pipeline/model.js';
import {unpackTokens} from '../pipeline/packed-tokens.js';
import {PieceTrie} from './piece-trie.js';

/** Score given to an unknown character: below every piece, as SentencePiece's `kUnkPenalty`. */
export const UNK_PENALTY = 10;
/** Entries kept in the piece cache; when full, new pieces are encoded without being cached. */
const CACHE_CAPACITY = 100_000;
const CACHE_PIECE_LIMIT = 64;

/**
 * SentencePiece's unigram language model (tokenizer.json model type `Unigram`): a piece is cut into the
 * vocabulary pieces of highest total log-probability (Viterbi), exactly as Hugging Face tokenizers'
 * `encode_optimized`: candidates ending at a position are compared by strictly greater score, shorter first;
 * a character no piece covers costs `min score − 10` and adjacent unknown characters fuse into one unknown token
 * (or, with `byte_fallback`, become `<0xHH>` byte tokens).
 */
export class UnigramModel implements Model {
  readonly type = 'Unigram';
  readonly pieces: readonly (readonly [string, number])[];
  readonly unkId: number | undefined;
  readonly byteFallback: boolean;
  readonly vocabSize: number;
  readonly #ids = new Map<string, number>();
  readonly #scores: Float64Array;
  readonly #trie: PieceTrie;
  readonly #unkScore: number;
  readonly #cache = new Map<string, Int32Array>();

  constructor(pieces: readonly (readonly [string, number])[], unkId: number | undefined, byteFallback = false) {
    this.pieces = pieces;
    this.unkId = unkId;
    this.byteFallback = byteFallback;
    this.vocabSize = pieces.length;
    this.#scores = new Float64Array(pieces.length);
    this.#trie = new PieceTrie();
    let minScore = Number.POSITIVE_INFINITY;
    pieces.forEach(([piece, score], id) => {
      if (!this.#ids.has(piece)) this.#ids.set(piece, id);
      this.#scores[id] = score;
      minScore = Math.min(minScore, score);
      if (piece.length > 0) this.#trie.insert(piece, this.#ids.get(piece) as number);
    });
    this.#unkScore = (pieces.length === 0 ? 0 : minScore) - UNK_PENALTY;
    if (unkId !== undefined && (unkId < 0 || unkId >= pieces.length)) {
      throw new CodexError('E_TOKENIZER', `Unigram unk_id ${unkId} is outside the vocabulary [0, ${pieces.length})`, {
        hint: 'fix or regenerate the tokenizer file',
        exitCode: ExitCode.input,
      });
    }
  }

  tokenize(piece: string): ModelToken[] {
    const tokens = unpackTokens(this.encodePacked(piece));
    const unk = this.unkId;
    if (unk === undefined) return tokens;
    return tokens.map((token) => (token.id === unk ? {...token, value: piece.slice(token.start, token.end)} : token));
  }

  tokenizeIds(piece: string, out: number[]): void {
    const encoded = this.encodePacked(piece);
    for (let i = 0; i < encoded.length; i += 2) out.push(encoded[i] as number);
  }

  /** `[id0, end0, id1, end1, …]` for a piece (ends in code units); cached, do not modify. */
  encodePacked(piece: string): Int32Array {
    const cached = this.#cache.get(piece);
    if (cached !== undefined) return cached;
    const encoded = this.#encode(piece);
    if (piece.length <= CACHE_PIECE_LIMIT && this.#cache.size < CACHE_CAPACITY) this.#cache.set(piece, encoded);
    return encoded;
  }

  /** Best segmentation of `text` as `[start, end)` code unit cuts with their piece ids (−1 = unknown). */
  viterbi(text: string): {starts: Int32Array; ids: Int32Array; count: number} {
    const size = text.length;
    const bestScore = new Float64Array(size + 1);
    const from = new Int32Array(size + 1).fill(-1);
    const via = new Int32Array(size + 1).fill(-1);
    from[0] = 0;
    const scores = this.#scores;
    const trie = this.#trie;
    for (let start = 0; start < size; ) {
      const code = text.charCodeAt(start);
      const width = code >= 0xd800 && code <= 0xdbff && start + 1 < size ? 2 : 1;
      if ((from[start] as number) < 0) {
        start += width;
        continue;
      }
      const base = bestScore[start] as number;
      let single = false;
      trie.forEachPrefix(text, start, (end, id) => {
        const score = base + (scores[id] as number);
        if ((from[end] as number) < 0 || score > (bestScore[end] as number)) {
          bestScore[end] = score;
          from[end] = start;
          via[end] = id;
        }
        if (end - start === width) single = true;
      });
      if (!single) {
        const end = start + width;
        const score = base + this.#unkScore;
        if ((from[end] as number) < 0 || score > (bestScore[end] as number)) {
          bestScore[end] = score;
          from[end] = start;
          via[end] = -1;
        }
      }
      start += width;
    }
    let count = 0;
    for (let end = size; end > 0; end = from[end] as number) count++;
    const starts = new Int32Array(count + 1);
    const ids = new Int32Array(count);
    let k = count;
    starts[k] = size;
    for (let end = size; end > 0; end = from[end] as number) {
      k--;
      starts[k] = from[end] as number;
      ids[k] = via[end] as number;
    }
    return {starts, ids, count};
  }

  #encode(text: string): Int32Array {
    if (text.length === 0) return new Int32Array(0);
    const {starts, ids, count} = this.viterbi(text);
    const out: number[] = [];
    const unk = this.unkId;
    let pendingStart = -1;
    const flushUnknown = (end: number) => {
      if (pendingStart < 0) return;
      const chunk = text.slice(pendingStart, end);
      const known = this.#ids.get(chunk);
      const bytes = known === undefined && this.byteFallback ? byteFallbackIds(chunk, this.#ids) : undefined;
      if (known !== undefined) out.push(known, end);
      else if (bytes !== undefined) for (const id of bytes) out.push(id, end);
      else if (unk !== undefined) out.push(unk, end);
      else {
        throw new CodexError('E_TOKENIZER', `Unigram: "${chunk.slice(0, 20)}" has no piece and the model has no unk_id`, {
          hint: 'use a model with an unknown piece or byte fallback',
          exitCode: ExitCode.input,
        });
      }
      pendingStart = -1;
    };
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      const start = starts[i] as number;
      const end = starts[i + 1] as number;
      // Unknown characters, and the unknown piece itself, fuse with their unknown neighbours.
      if (id < 0 || (unk !== undefined && id === unk)) {
        if (pendingStart < 0) pendingStart = start;
        continue;
      }
      flushUnknown(start);
      out.push(id, end);
    }
    flushUnknown(text.length);
    return Int32Array.from(out);
  }

  tokenToId(token: string): number | undefined {
    return this.#ids.get(token);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.pieces[id]?.[0] : undefined;
  }

  scoreOf(id: number): number {
    return this.#scores[id] as number;
  }

  toJSON(): JsonObject {
    const vocab: JsonValue[] = this.pieces.map(([piece, score]) => [piece, score]);
    return {type: this.type, unk_id: this.unkId ?? null, vocab, byte_fallback: this.byteFallback};
  }
}
