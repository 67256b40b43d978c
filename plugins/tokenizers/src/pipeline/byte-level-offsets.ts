import {BYTE_TO_CHAR} from './byte-level-alphabet.js';
import type {EncodingParts} from './encoding-parts.js';
import {isRustWhitespace} from './rust-chars.js';

const SPACE = BYTE_TO_CHAR[0x20] as string;

function isSpace(char: string): boolean {
  return char === SPACE || isRustWhitespace(char.charCodeAt(0));
}

/**
 * Hugging Face's `process_offsets` of byte-level post-processing: offsets leave out the spaces a token starts or
 * ends with, except the one space a prefix-space setting added to the first token.
 */
export function trimByteLevelOffsets(parts: EncodingParts, addPrefixSpace: boolean): void {
  parts.offsets = parts.offsets.map((offsets, i) => {
    const token = parts.tokens[i] as string;
    let [start, end] = offsets;
    let leading = 0;
    while (leading < token.length && isSpace(token[leading] as string)) leading++;
    let trailing = 0;
    while (trailing < token.length && isSpace(token[token.length - 1 - trailing] as string)) trailing++;
    if (leading > 0) {
      if ((i === 0 || start === 0) && addPrefixSpace && leading === 1) leading = 0;
      start = Math.min(start + leading, end);
    }
    if (trailing > 0 && end >= trailing) end = Math.max(end - trailing, start);
    return [start, end] as const;
  });
  for (const window of parts.overflowing) trimByteLevelOffsets(window, addPrefixSpace);
}
