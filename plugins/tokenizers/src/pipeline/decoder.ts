import type {JsonObject} from './normalizer.js';

/**
 * Last pipeline stage: turns token strings back into text. Decoders compose (`Sequence`): each maps the list of
 * token strings to a new list, and the text is the concatenation of the last list (Hugging Face's
 * `decode_chain`).
 */
export interface Decoder {
  readonly type: string;
  decodeChain(tokens: readonly string[]): string[];
  toJSON(): JsonObject;
}

/** The text a decoder makes of `tokens`. */
export function decodeTokens(decoder: Decoder, tokens: readonly string[]): string {
  return decoder.decodeChain(tokens).join('');
}
