import type {JsonObject} from './normalizer.js';

/**
 * A piece of the normalized text handed to the model. `start`/`end` locate it in the normalized text. When
 * `text` is not a plain substring (byte-level pieces spell one character per UTF-8 byte), `unitStarts` and
 * `unitEnds` give, for each code unit of `text`, its range in the normalized text relative to `start`.
 */
export interface PreToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly unitStarts?: Uint32Array;
  readonly unitEnds?: Uint32Array;
}

/** Second pipeline stage: splits normalized text into pieces the model tokenizes independently. */
export interface PreTokenizer {
  /** The tokenizer.json `type` tag. */
  readonly type: string;
  /**
   * Pieces of `text` in order; offsets relative to `text`. `atStart` is false when `text` does not begin the
   * input (it follows an added token or an earlier piece), which Metaspace's `prepend_scheme: first` looks at.
   */
  preTokenize(text: string, atStart?: boolean): PreToken[];
  /**
   * Optional: when the pieces are exactly the matches of a pattern (plus, with `keepGaps`, the text between
   * them), each spelled as its UTF-8 bytes (byte-level), a fresh global matcher for that pattern. Lets bulk
   * encoding skip building piece strings.
   */
  byteLevelSource?(): ByteLevelSource | undefined;
  toJSON(): JsonObject;
}

/** See `PreTokenizer.byteLevelSource`. */
export interface ByteLevelSource {
  readonly matcher: RegExp;
  readonly keepGaps: boolean;
}

/** Range in the normalized text of code units `[from, to)` of a piece. */
export function pieceRange(piece: PreToken, from: number, to: number): [number, number] {
  if (piece.unitStarts === undefined || piece.unitEnds === undefined) return [piece.start + from, piece.start + to];
  if (to <= from) {
    const at = piece.start + (from < piece.text.length ? (piece.unitStarts[from] as number) : piece.end - piece.start);
    return [at, at];
  }
  return [piece.start + (piece.unitStarts[from] as number), piece.start + (piece.unitEnds[to - 1] as number)];
}

/** Pieces made by a pattern: each match is a piece (Hugging Face's `Isolated` behaviour); gaps are kept too. */
export function splitIsolated(text: string, pattern: RegExp, keepGaps = true): PreToken[] {
  const pieces: PreToken[] = [];
  let at = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const value = match[0];
    if (value.length === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (keepGaps && match.index > at) pieces.push({text: text.slice(at, match.index), start: at, end: match.index});
    pieces.push({text: value, start: match.index, end: match.index + value.length});
    at = match.index + value.length;
  }
  if (keepGaps && at < text.length) pieces.push({text: text.slice(at), start: at, end: text.length});
  return pieces;
}
