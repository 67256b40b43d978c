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
  /** How many tokens `processEncodings` adds to a pair when `addSpecialTokens` is true. */
  addedPairTokens(): number;
  process(parts: EncodingParts, addSpecialTokens: boolean): EncodingParts;
  /**
   * A pair's encodings (`[first, second]`, each with its overflowing windows) as Hugging Face's
   * `process_encodings` turns them into the pieces to join, in order: special-token pieces, and the sequences
   * with their type ids set. `mergeParts` joins them.
   */
  processEncodings(encodings: readonly EncodingParts[], addSpecialTokens: boolean): EncodingParts[];
  toJSON(): JsonObject;
}
