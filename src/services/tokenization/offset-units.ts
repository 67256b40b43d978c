import type {Offsets} from '@codex-ml/core';

/** Units offsets are reported in: UTF-16 code units (JavaScript string indices), UTF-8 bytes, or code points. */
export type OffsetUnit = 'utf16' | 'bytes' | 'codepoints';
export const OFFSET_UNITS: readonly OffsetUnit[] = ['utf16', 'bytes', 'codepoints'];

/**
 * Offsets into `text` (UTF-16, as every encoding gives them) converted to `unit`. Code points are what Hugging
 * Face's Node binding reports, bytes what its Rust core uses; a lone surrogate counts as one code point and as the
 * three bytes of U+FFFD, as in every UTF-8 encoder.
 */
export function convertOffsets(text: string, offsets: readonly Offsets[], unit: OffsetUnit): Offsets[] {
  if (unit === 'utf16') return offsets.map(([start, end]) => [start, end] as const);
  const position = new Int32Array(text.length + 1);
  let at = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    position[i] = at;
    if (pair) {
      // Inside a pair: a split there counts as before the code point.
      position[i + 1] = at;
      at += unit === 'bytes' ? 4 : 1;
      i += 2;
    } else {
      at += unit === 'codepoints' ? 1 : code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
      i++;
    }
  }
  position[text.length] = at;
  return offsets.map(([start, end]) => [position[start] as number, position[end] as number] as const);
}
