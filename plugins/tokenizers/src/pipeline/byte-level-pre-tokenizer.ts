import {BYTE_TO_CHAR} from './byte-level-alphabet.js';
import {gpt2Matcher} from './gpt2-pattern.js';
import type {JsonObject} from './normalizer.js';
import type {ByteLevelSource, PreToken, PreTokenizer} from './pre-tokenizer.js';

export interface ByteLevelOptions {
  /** Prepend a space when the text does not start with one, so the first word looks like the others. */
  readonly addPrefixSpace?: boolean;
  /** Stored for the post-processor; Hugging Face trims whitespace from offsets when set. */
  readonly trimOffsets?: boolean;
  /** Split with the GPT-2 pattern first; otherwise the whole text is one piece. */
  readonly useRegex?: boolean;
}

/**
 * Splits with the GPT-2 pattern, then spells each piece's UTF-8 bytes in the byte-level alphabet, so the model
 * never meets an unknown symbol (tokenizer.json type `ByteLevel`).
 *
 * Rule for text that is not valid Unicode: a lone surrogate is encoded as U+FFFD (EF BF BD), as every UTF-8
 * encoder does (WHATWG `TextEncoder`, Rust strings crossing napi). Decoding therefore gives
 * `text.toWellFormed()`, which the pipeline's `normalize` also returns.
 */
export class ByteLevelPreTokenizer implements PreTokenizer {
  readonly type = 'ByteLevel';
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;

  constructor(options: ByteLevelOptions = {}) {
    this.addPrefixSpace = options.addPrefixSpace ?? false;
    this.trimOffsets = options.trimOffsets ?? true;
    this.useRegex = options.useRegex ?? true;
  }

  preTokenize(text: string): PreToken[] {
    const prefixed = this.addPrefixSpace && text.length > 0 && !text.startsWith(' ');
    const source = prefixed ? ` ${text}` : text;
    const shift = prefixed ? 1 : 0;
    const pieces: PreToken[] = [];
    if (!this.useRegex) {
      if (source.length > 0) pieces.push(spellPiece(source, 0, source.length, shift));
      return pieces;
    }
    const matcher = gpt2Matcher();
    for (let match = matcher.exec(source); match !== null; match = matcher.exec(source)) {
      pieces.push(spellPiece(source, match.index, match.index + match[0].length, shift));
    }
    return pieces;
  }

  byteLevelSource(): ByteLevelSource | undefined {
    return this.useRegex && !this.addPrefixSpace ? {matcher: gpt2Matcher(), keepGaps: true} : undefined;
  }

  toJSON(): JsonObject {
    return {type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex};
  }
}

/**
 * Spells `source[start, end)` in the byte-level alphabet with per-byte ranges. `shift` code units at the start of
 * `source` were added (the prefix space) and map to an empty range at 0.
 */
export function spellPiece(source: string, start: number, end: number, shift: number): PreToken {
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const base = Math.max(0, start - shift);
  const push = (byte: number, from: number, to: number) => {
    chars.push(BYTE_TO_CHAR[byte] as string);
    starts.push(Math.max(0, from - shift) - base);
    ends.push(Math.max(0, to - shift) - base);
  };
  for (let i = start; i < end; ) {
    let code = source.charCodeAt(i);
    let width = 1;
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = i + 1 < end ? source.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        width = 2;
      } else {
        code = 0xfffd;
      }
    }
    const to = i + width;
    if (code < 0x80) {
      push(code, i, to);
    } else if (code < 0x800) {
      push(0xc0 | (code >> 6), i, to);
      push(0x80 | (code & 0x3f), i, to);
    } else if (code < 0x10000) {
      push(0xe0 | (code >> 12), i, to);
      push(0x80 | ((code >> 6) & 0x3f), i, to);
      push(0x80 | (code & 0x3f), i, to);
    } else {
      push(0xf0 | (code >> 18), i, to);
      push(0x80 | ((code >> 12) & 0x3f), i, to);
      push(0x80 | ((code >> 6) & 0x3f), i, to);
      push(0x80 | (code & 0x3f), i, to);
    }
    i = to;
  }
  return {
    text: chars.join(''),
    start: base,
    end: Math.max(0, end - shift),
    unitStarts: Uint32Array.from(starts),
    unitEnds: Uint32Array.from(ends),
  };
}
