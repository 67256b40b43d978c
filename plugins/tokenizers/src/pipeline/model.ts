import type {JsonObject} from './normalizer.js';

/** One token produced by a model for a piece: its id and the code units `[start, end)` of the piece it covers. */
export interface ModelToken {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  /**
   * The token's text when it is not the vocabulary's spelling of `id`: a Unigram unknown token keeps the text it
   * covers (`東京`, not `<unk>`), as Hugging Face reports it. Absent for every other token.
   */
  readonly value?: string;
}

/**
 * Third pipeline stage: turns one pre-token into tokens and maps ids ↔ token strings (BPE, WordPiece, …).
 * A model holds no per-call state, so one instance may serve any number of encodings.
 */
export interface Model {
  /** tokenizer.json `model.type`: `BPE`, `WordPiece`, … */
  readonly type: string;
  /** Number of ids the model's vocabulary spans (`max id + 1`). */
  readonly vocabSize: number;
  tokenize(piece: string): ModelToken[];
  /**
   * Appends the ids of `piece` to `out` without offsets. Optional fast path used when offsets are not needed;
   * must agree with `tokenize`.
   */
  tokenizeIds?(piece: string, out: number[]): void;
  /**
   * Optional fast path paired with `PreTokenizer.byteLevelSourcePattern`: `[id0, byteEnd0, id1, byteEnd1, …]`
   * for the byte-level spelling of the UTF-8 bytes of `text[start, end)` (lone surrogates as U+FFFD). Must agree
   * with `tokenize` on the spelled piece; the result may be shared, never modify it.
   */
  encodeUtf8Range?(text: string, start: number, end: number): Int32Array;
  /** Optional with `encodeUtf8Range`: appends just its ids to `out` (the fast path of `encodeIds`). */
  appendUtf8RangeIds?(text: string, start: number, end: number, out: number[]): void;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** The tokenizer.json `model` object, keys in a fixed order, big arrays last. */
  toJSON(): JsonObject;
}
