/** DI token of the tokenizer contract (see `Hasher` for why `Symbol.for`). */
export const Tokenizer = Symbol.for('codex-ml.Tokenizer');

/** A token's place in the normalized input, as UTF-16 code unit offsets `[start, end)`. */
export type Offsets = readonly [number, number];

/** The result of encoding one sequence (the shape of Hugging Face tokenizers' `Encoding`). */
export interface Encoding {
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
  /** Offsets into the original input string; special and pad tokens have `[0, 0]`. */
  readonly offsets: readonly Offsets[];
  /** 1 for real tokens, 0 for padding. */
  readonly attentionMask: readonly number[];
  /** 1 for special tokens (including padding), 0 otherwise. */
  readonly specialTokensMask: readonly number[];
  /**
   * Segment of each token (Hugging Face's `type_ids`): 0 for the first sequence, and what the post-processor
   * gives the second of a pair (1 under BERT's template, 0 under RoBERTa's). Absent where a backend does not
   * track segments.
   */
  readonly typeIds?: readonly number[];
  /** Windows produced by truncation with a stride, in order; empty when not truncated. */
  readonly overflowing: readonly Encoding[];
}

export interface PaddingOptions {
  /** Pad to this length, or to the longest sequence of the batch when `'longest'`. */
  readonly length: number | 'longest';
  readonly side?: 'left' | 'right';
  /** Defaults to the tokenizer's pad token. */
  readonly padToken?: string;
}

export interface TruncationOptions {
  readonly maxLength: number;
  /** Tokens shared by consecutive overflowing windows. Must be smaller than `maxLength`. */
  readonly stride?: number;
  readonly side?: 'left' | 'right';
  /**
   * Which sequence of a pair is cut (Hugging Face's `TruncationStrategy`): the longer one first (default), only
   * the first, or only the second. A single sequence is cut whatever this says.
   */
  readonly strategy?: 'longest_first' | 'only_first' | 'only_second';
}

export interface EncodeOptions {
  /** Apply the post-processor (BOS/EOS/template). Default true. */
  readonly addSpecialTokens?: boolean;
  readonly truncation?: TruncationOptions;
  /** For a single sequence only a fixed length makes sense; `'longest'` is a no-op. */
  readonly padding?: PaddingOptions;
}

export interface DecodeOptions {
  /** Drop special tokens (BOS, EOS, PAD, …). Default true. */
  readonly skipSpecialTokens?: boolean;
}

/** Special token name → token string, e.g. `{pad: '[PAD]', bos: '[BOS]', eos: '[EOS]'}`. */
export type SpecialTokens = Readonly<Record<string, string>>;

/**
 * A loaded, ready-to-use tokenizer: the whole Normalizer → PreTokenizer → Model → PostProcessor → Decoder
 * pipeline, serializable as a Hugging Face `tokenizer.json` document.
 *
 * Invariants (checked by `tokenizerConformance`):
 * - Round trip: `decode(encode(x).ids) === normalize(x)` for any string the model can represent
 *   (byte-level models: any string; models with an unknown token: strings made of their alphabet).
 * - Special tokens sit at their documented ids and are never produced by splitting ordinary text.
 * - Padding: every padded row has the target length; `attentionMask` is 0 exactly on pads.
 * - `encodeBatch(xs)[i]` equals `encode(xs[i])` up to padding.
 * - Save/load identity: loading `toJSON()` yields a tokenizer with identical outputs and identical JSON.
 * - `decode` of an id outside `[0, vocabSize)` throws `E_TOKENIZER` naming the id.
 */
export interface Tokenizer {
  /** Model type as written in tokenizer.json (`BPE`, `WordPiece`). */
  readonly modelType: string;
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  normalize(text: string): string;
  encode(text: string, options?: EncodeOptions): Encoding;
  encodeBatch(texts: readonly string[], options?: EncodeOptions): Encoding[];
  /**
   * Optional: a pair of sequences in one encoding (question and context, premise and hypothesis), as Hugging
   * Face's `encode(a, b)`: truncated together by `truncation.strategy`, joined by the post-processor's pair
   * template, each token's offsets into its own sequence.
   */
  encodePair?(first: string, second: string, options?: EncodeOptions): Encoding;
  /**
   * Optional fast path: `encode(text, {addSpecialTokens}).ids` without tokens, offsets or masks (no truncation or
   * padding), for bulk encoding where only ids are wanted.
   */
  encodeIds?(text: string, addSpecialTokens?: boolean): number[];
  decode(ids: readonly number[], options?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** The Hugging Face tokenizer.json document: stable key order, byte-identical for equal tokenizers. */
  toJSON(): string;
}

/** Reports progress of long operations; implementations must tolerate any call order. */
export interface ProgressSink {
  start(stage: string, total: number): void;
  advance(stage: string, by: number): void;
  finish(stage: string): void;
}

/** Options common to every tokenizer trainer; a backend may read more from `params`. */
export interface TokenizerTrainOptions {
  readonly vocabSize: number;
  readonly minFrequency: number;
  /** In id order: the first special token gets id 0. */
  readonly specialTokens: readonly string[];
  /** Keep at most this many initial characters (most frequent first); undefined = no limit. */
  readonly limitAlphabet?: number;
  /**
   * Pipeline stage choices (`normalizer`, `preTokenizer`, `postProcessor`, …). Absent: the choices of the
   * backend's own config block (`tokenizer.<model>.*`), which its `create(options)` received.
   */
  readonly pipeline?: Readonly<Record<string, unknown>>;
  /** Trainer parameters; absent: those of the backend's config block. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * A tokenizer model family (BPE, WordPiece, …): trains new tokenizers and loads saved ones. This is what a
 * plugin registers under the `tokenizer` contract; config `tokenizer.model` selects it.
 *
 * Invariants: training is deterministic — the same corpus (as a multiset of texts, whatever their order) and
 * options give a byte-identical `toJSON()`; `load(t.toJSON())` reproduces `t`.
 */
export interface TokenizerFactory {
  readonly modelType: string;
  /**
   * Special tokens used when config names none (`tokenizer.specialTokens: []`), in id order, e.g.
   * `['[PAD]', '[BOS]', '[EOS]']`. Absent = `['[PAD]', '[BOS]', '[EOS]']`.
   */
  readonly defaultSpecialTokens?: readonly string[];
  train(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<Tokenizer>;
  /**
   * Optional, with `trainFromCounts`: the words training sees (as the configured normalizer and pre-tokenizer
   * cut them, spelled in the model's alphabet) with their occurrences, so counting can be split over shards and
   * machines. Invariant: for any partition of a corpus, `trainFromCounts` of the summed counts of the parts
   * gives a `toJSON()` byte-identical to `train` on the whole corpus.
   */
  countWords?(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<Map<string, number>>;
  /** Trains on word counts made by `countWords` (summed over any number of parts) with the same options. */
  trainFromCounts?(words: ReadonlyMap<string, number>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<Tokenizer>;
  /**
   * Loads a tokenizer.json document whose model this factory handles; throws `E_TOKENIZER` otherwise.
   * `source` names the document in error messages (a file path); default `tokenizer.json`.
   */
  load(json: string, source?: string): Tokenizer;
  /**
   * Names of ready-made vocabularies this backend ships (e.g. the tiktoken ranks `gpt2`, `cl100k_base`), which
   * `codex tokenizer:encode --tiktoken NAME` selects. Absent = none.
   */
  readonly pretrained?: readonly string[];
  /** Loads one of `pretrained`; throws `E_TOKENIZER` for other names. */
  loadPretrained?(name: string): Promise<Tokenizer>;
  /**
   * The `pretrained` name that serves a model name (`gpt-4o` → `o200k_base`, as tiktoken's `encoding_for_model`),
   * for `--model NAME`; undefined when this backend knows no such model.
   */
  pretrainedForModel?(model: string): Promise<string | undefined>;
}
