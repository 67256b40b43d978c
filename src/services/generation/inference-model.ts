/**
 * A trained model loaded for use: what generation needs from an engine. Logits are float32 over the
 * vocabulary; token ids are integers in [0, vocabSize).
 */
export interface InferenceModel {
  readonly vocabSize: number;
  /** Most positions one forward pass or decoding session takes. */
  readonly contextLength: number;
  readonly parameterCount: number;
  /** Logits after the last of `ids` (≤ contextLength tokens), by the engine's full forward pass. */
  forward(ids: readonly number[]): Float32Array;
  /** A new incremental decoding session with a key/value cache. */
  createSession(): DecodingSession;
  dispose(): void;
}

/**
 * Incremental decoding: tokens appended one call after another share a key/value cache, so each new token
 * costs one pass over the weights plus attention over the cached positions. Holds at most `contextLength`
 * tokens; `reset` empties it.
 */
export interface DecodingSession {
  readonly length: number;
  /** Feeds `ids` after the tokens already held and returns the logits after the last of them. */
  append(ids: readonly number[]): Float32Array;
  reset(): void;
}
