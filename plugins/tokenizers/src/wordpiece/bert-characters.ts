import {CONTROL_RANGES, NFD_UNCHANGED_RANGES, NONSPACING_MARK_RANGES, PUNCTUATION_RANGES} from './bert-character-tables.js';

/**
 * Character predicates of BERT's normalizer and pre-tokenizer, matching Hugging Face tokenizers code point for
 * code point. Basic Multilingual Plane answers come from one lookup table built at load; astral code points
 * search the range tables.
 */

const CONTROL = 1;
const WHITESPACE = 2;
const PUNCTUATION = 4;
const CHINESE = 8;
const MARK = 16;

/** `White_Space` (Rust's `char::is_whitespace`); ASCII `\t\n\r` are in it. */
const WHITESPACE_RANGES: readonly number[] = [
  0x9, 0xd, 0x20, 0x20, 0x85, 0x85, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000,
  0x3000,
];

/** The CJK ideograph blocks BERT surrounds with spaces (not Hangul, Hiragana or Katakana). */
const CHINESE_RANGES: readonly number[] = [
  0x3400, 0x4dbf, 0x4e00, 0x9fff, 0xf900, 0xfaff, 0x20000, 0x2a6df, 0x2a700, 0x2b73f, 0x2b740, 0x2b81f, 0x2b920, 0x2ceaf, 0x2f800, 0x2fa1f,
];

function inRanges(ranges: readonly number[], codePoint: number): boolean {
  let low = 0;
  let high = ranges.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (codePoint < (ranges[middle * 2] as number)) high = middle - 1;
    else if (codePoint > (ranges[middle * 2 + 1] as number)) low = middle + 1;
    else return true;
  }
  return false;
}

function classify(codePoint: number): number {
  let flags = 0;
  if (inRanges(CONTROL_RANGES, codePoint)) flags |= CONTROL;
  if (inRanges(WHITESPACE_RANGES, codePoint)) flags |= WHITESPACE;
  if (inRanges(PUNCTUATION_RANGES, codePoint)) flags |= PUNCTUATION;
  if (inRanges(CHINESE_RANGES, codePoint)) flags |= CHINESE;
  if (inRanges(NONSPACING_MARK_RANGES, codePoint)) flags |= MARK;
  return flags;
}

const BMP_FLAGS: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (let codePoint = 0; codePoint < 0x10000; codePoint++) table[codePoint] = classify(codePoint);
  // Lone surrogates reach the pipeline as U+FFFD (well-formed input), which clean_text removes.
  for (let codePoint = 0xd800; codePoint <= 0xdfff; codePoint++) table[codePoint] = CONTROL;
  return table;
})();

function flagsOf(codePoint: number): number {
  return codePoint < 0x10000 ? (BMP_FLAGS[codePoint] as number) : classify(codePoint);
}

/** Removed by `clean_text`: NUL, U+FFFD, and control/format/private-use characters other than `\t\n\r`. */
export function isBertControl(codePoint: number): boolean {
  return (flagsOf(codePoint) & CONTROL) !== 0;
}

export function isBertWhitespace(codePoint: number): boolean {
  return (flagsOf(codePoint) & WHITESPACE) !== 0;
}

export function isBertPunctuation(codePoint: number): boolean {
  return (flagsOf(codePoint) & PUNCTUATION) !== 0;
}

export function isChineseCharacter(codePoint: number): boolean {
  return (flagsOf(codePoint) & CHINESE) !== 0;
}

export function isNonspacingMark(codePoint: number): boolean {
  return (flagsOf(codePoint) & MARK) !== 0;
}

/**
 * NFD as the BERT normalizer computes it: Node's NFD, except for the few characters whose decomposition is newer
 * than Hugging Face's tables (they stay composed there).
 */
export function bertNfd(text: string): string {
  const nfd = text.normalize('NFD');
  if (nfd === text) return text;
  let out = '';
  let run = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    if (codePoint > 0xffff && inRanges(NFD_UNCHANGED_RANGES, codePoint)) {
      out += text.slice(run, i).normalize('NFD') + text.slice(i, i + width);
      run = i + width;
    }
    i += width;
  }
  return run === 0 ? nfd : out + text.slice(run).normalize('NFD');
}
