import type {PreToken} from './pre-tokenizer.js';

/** What a split does with the pieces a pattern matches (Hugging Face's `SplitDelimiterBehavior`). */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
export const SPLIT_BEHAVIORS: readonly SplitBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/**
 * Cuts `text` at matches as Hugging Face's `NormalizedString::split`: the text becomes alternating unmatched and
 * matched ranges (`invert` swaps which is which), the behaviour decides what becomes of the matched ones, and
 * empty pieces are dropped.
 */
export function splitByMatches(
  text: string,
  forEach: (visit: (start: number, end: number) => void) => void,
  behavior: SplitBehavior,
  invert: boolean,
): PreToken[] {
  const ranges: [number, number, boolean][] = [];
  let at = 0;
  forEach((start, end) => {
    if (start > at) ranges.push([at, start, invert]);
    ranges.push([start, end, !invert]);
    at = end;
  });
  if (at < text.length) ranges.push([at, text.length, invert]);
  const kept: [number, number][] = [];
  switch (behavior) {
    case 'Removed':
      for (const [start, end, match] of ranges) if (!match) kept.push([start, end]);
      break;
    case 'Isolated':
      for (const [start, end] of ranges) kept.push([start, end]);
      break;
    case 'MergedWithPrevious': {
      let previousMatch = false;
      for (const [start, end, match] of ranges) {
        const last = kept.at(-1);
        if (match && !previousMatch && last) last[1] = end;
        else kept.push([start, end]);
        previousMatch = match;
      }
      break;
    }
    case 'MergedWithNext': {
      let previousMatch = false;
      for (let i = ranges.length - 1; i >= 0; i--) {
        const [start, end, match] = ranges[i] as [number, number, boolean];
        const last = kept.at(-1);
        if (match && !previousMatch && last) last[0] = start;
        else kept.push([start, end]);
        previousMatch = match;
      }
      kept.reverse();
      break;
    }
    case 'Contiguous': {
      let previousMatch = false;
      for (const [start, end, match] of ranges) {
        const last = kept.at(-1);
        if (match === previousMatch && last) last[1] = end;
        else kept.push([start, end]);
        previousMatch = match;
      }
      break;
    }
  }
  const pieces: PreToken[] = [];
  for (const [start, end] of kept) if (end > start) pieces.push({text: text.slice(start, end), start, end});
  return pieces;
}
