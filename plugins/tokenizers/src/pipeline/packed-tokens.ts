import type {ModelToken} from './model.js';

/**
 * Models cache a word's tokens packed as `[id0, end0, id1, end1, …]` (ends in code units of the piece): one
 * small typed array per cached word instead of an array of objects. These read that form back.
 */
export function unpackTokens(packed: Int32Array): ModelToken[] {
  const tokens: ModelToken[] = [];
  let start = 0;
  let previousStart = 0;
  for (let i = 0; i < packed.length; i += 2) {
    const end = packed[i + 1] as number;
    // The byte tokens of one character (byte fallback) all end where it ends: each covers the whole character.
    if (end === start && i > 0) tokens.push({id: packed[i] as number, start: previousStart, end});
    else {
      tokens.push({id: packed[i] as number, start, end});
      previousStart = start;
    }
    start = end;
  }
  return tokens;
}

/** Appends the ids of a packed word to `out`. */
export function appendPackedIds(packed: Int32Array, out: number[]): void {
  for (let i = 0; i < packed.length; i += 2) out.push(packed[i] as number);
}
