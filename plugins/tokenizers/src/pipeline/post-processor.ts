import type {EncodingParts} from './encoding-parts.js';
import type {JsonObject} from './normalizer.js';

/**
 * Fourth pipeline stage: adds special tokens around an encoded sequence (BOS/EOS, templates) and may adjust
 * offsets. Applied to the main window and to each overflowing window.
 */
export interface PostProcessor {
  readonly type: string;
  /** How many tokens `process` adds to a single sequence when `addSpecialTokens` is true. */
  addedTokens(): number;
  process(parts: EncodingParts, addSpecialTokens: boolean): EncodingParts;
  toJSON(): JsonObject;
}
