/**
 * Splits text into clusters of one code point plus the combining marks that follow it. Normalization forms and
 * case mappings act within such clusters (canonical reordering and composition never cross a starter), so each
 * cluster's output can be aligned to the cluster's input range.
 */
export function* combiningClusters(text: string): Generator<[start: number, end: number]> {
  const pattern = /\P{M}\p{M}*|\p{M}+/gsu;
  for (const match of text.matchAll(pattern)) {
    yield [match.index, match.index + match[0].length];
  }
}

/** Yields each code point's range; lone surrogates count as one code point. */
export function* codePoints(text: string): Generator<[start: number, end: number]> {
  for (let i = 0; i < text.length; ) {
    const unit = text.charCodeAt(i);
    const width = unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
    yield [i, i + width];
    i += width;
  }
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
