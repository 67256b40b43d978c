import {isBertPunctuation} from '../wordpiece/bert-characters.js';
import type {JsonObject} from './normalizer.js';
import type {PreToken, PreTokenizer} from './pre-tokenizer.js';

/**
 * BERT's basic split (tokenizer.json type `BertPreTokenizer`): Unicode White_Space separates and is dropped,
 * every punctuation character stands alone. Punctuation comes from the same tables Hugging Face's Rust
 * crates use, not from Node's newer Unicode data, so rare characters (U+061D, U+2E43…) split as they do there.
 */
export class BertPreTokenizer implements PreTokenizer {
  readonly type = 'BertPreTokenizer';

  preTokenize(text: string): PreToken[] {
    const pieces: PreToken[] = [];
    let wordStart = -1;
    const endWord = (at: number) => {
      if (wordStart >= 0) pieces.push({text: text.slice(wordStart, at), start: wordStart, end: at});
      wordStart = -1;
    };
    for (let at = 0; at < text.length; ) {
      const codePoint = text.codePointAt(at) as number;
      const width = codePoint > 0xffff ? 2 : 1;
      if (isWhiteSpace(codePoint)) {
        endWord(at);
      } else if (isBertPunctuation(codePoint)) {
        endWord(at);
        pieces.push({text: text.slice(at, at + width), start: at, end: at + width});
      } else if (wordStart < 0) {
        wordStart = at;
      }
      at += width;
    }
    endWord(text.length);
    return pieces;
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}

/** The Unicode White_Space property (stable since Unicode 6.3), as Rust's `char::is_whitespace`. */
function isWhiteSpace(codePoint: number): boolean {
  if (codePoint <= 0x20) return codePoint === 0x20 || (codePoint >= 0x09 && codePoint <= 0x0d);
  if (codePoint < 0x85) return false;
  return (
    codePoint === 0x85 ||
    codePoint === 0xa0 ||
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000
  );
}
