import type {JsonObject} from './normalizer.js';
import {type PreToken, type PreTokenizer, splitIsolated} from './pre-tokenizer.js';

/**
 * Word characters and runs of other non-space characters, whitespace dropped: Hugging Face's `Whitespace`
 * (`\w+|[^\w\s]+` with Rust's Unicode `\w`).
 */
export class WhitespacePreTokenizer implements PreTokenizer {
  readonly type = 'Whitespace';

  preTokenize(text: string): PreToken[] {
    const word = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
    return splitIsolated(text, new RegExp(`[${word}]+|[^${word}\\p{White_Space}]+`, 'gu'), false);
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}

/** Splits on whitespace only (Hugging Face's `WhitespaceSplit`). */
export class WhitespaceSplitPreTokenizer implements PreTokenizer {
  readonly type = 'WhitespaceSplit';

  preTokenize(text: string): PreToken[] {
    return splitIsolated(text, /\P{White_Space}+/gu, false);
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}
