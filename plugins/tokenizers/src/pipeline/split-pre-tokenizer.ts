import type {JsonObject} from './normalizer.js';
import {type PreToken, type PreTokenizer, splitIsolated} from './pre-tokenizer.js';

/**
 * Splits with a regular expression, each match its own piece and the text between matches kept
 * (Hugging Face's `Split` with behaviour `Isolated`, not inverted). Used for tiktoken patterns.
 */
export class SplitPreTokenizer implements PreTokenizer {
  readonly type = 'Split';
  readonly pattern: string;
  readonly #regex: RegExp;

  constructor(pattern: string) {
    this.pattern = pattern;
    this.#regex = new RegExp(pattern, 'gu');
  }

  preTokenize(text: string): PreToken[] {
    return splitIsolated(text, new RegExp(this.#regex), true);
  }

  /** A fresh global matcher for the pattern. */
  matcher(): RegExp {
    return new RegExp(this.#regex);
  }

  toJSON(): JsonObject {
    return {type: this.type, pattern: {Regex: this.pattern}, behavior: 'Isolated', invert: false};
  }
}
