import type {JsonObject} from './normalizer.js';
import type {PreToken, PreTokenizer} from './pre-tokenizer.js';
import {type SplitBehavior, splitByMatches} from './split-behavior.js';
import {type TextPattern, forEachMatch, regexPattern} from './text-pattern.js';

/**
 * Splits on a literal string or an Oniguruma regex (tokenizer.json type `Split`), with every Hugging Face
 * behaviour and `invert`. Llama 3, Qwen, DeepSeek and tiktoken encodings split with `Isolated`; GPT-4o-style files
 * keep only the matches (`Removed`, inverted).
 */
export class SplitPreTokenizer implements PreTokenizer {
  readonly type = 'Split';
  readonly pattern: TextPattern;
  readonly behavior: SplitBehavior;
  readonly invert: boolean;

  constructor(pattern: TextPattern | string, behavior: SplitBehavior = 'Isolated', invert = false) {
    this.pattern = typeof pattern === 'string' ? regexPattern(pattern) : pattern;
    this.behavior = behavior;
    this.invert = invert;
  }

  preTokenize(text: string): PreToken[] {
    return splitByMatches(text, (visit) => forEachMatch(this.pattern, text, visit), this.behavior, this.invert);
  }

  /**
   * When the pieces are exactly the regex matches plus (Isolated) the gaps between them: a fresh matcher and
   * whether gaps are pieces too. Bulk encoding walks the matches without building piece objects.
   */
  matches(): {readonly matcher: RegExp; readonly keepGaps: boolean} | undefined {
    if (this.pattern.kind !== 'regex') return undefined;
    if (this.behavior === 'Isolated' && !this.invert) return {matcher: this.pattern.regex.matcher(), keepGaps: true};
    if (this.behavior === 'Removed' && this.invert) return {matcher: this.pattern.regex.matcher(), keepGaps: false};
    return undefined;
  }

  toJSON(): JsonObject {
    return {type: this.type, pattern: this.pattern.toJSON(), behavior: this.behavior, invert: this.invert};
  }
}
