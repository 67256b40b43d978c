import type {JsonObject} from './normalizer.js';
import {type PreToken, type PreTokenizer, splitIsolated} from './pre-tokenizer.js';

/**
 * BERT's basic split: whitespace separates and is dropped, every punctuation character stands alone
 * (tokenizer.json type `BertPreTokenizer`). Punctuation is ASCII punctuation plus Unicode `\p{P}`, as in BERT.
 */
export class BertPreTokenizer implements PreTokenizer {
  readonly type = 'BertPreTokenizer';

  preTokenize(text: string): PreToken[] {
    const punctuation = '\\p{P}!-\\/:-@\\[-`{-~';
    return splitIsolated(text, new RegExp(`[${punctuation}]|[^${punctuation}\\p{White_Space}]+`, 'gu'), false);
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}
