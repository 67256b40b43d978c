import {CodexError, ExitCode} from '@codex-ml/core';
import {type EncodingParts, sliceParts} from './encoding-parts.js';

/**
 * Cuts `parts` to `maxLength` tokens; the rest becomes overflowing windows that overlap by `stride` tokens,
 * window by window exactly as Hugging Face's `Encoding::truncate` (right: windows start every
 * `maxLength - stride` tokens from the left; left: the same from the right).
 */
export function truncateParts(parts: EncodingParts, maxLength: number, stride: number, side: 'left' | 'right'): EncodingParts {
  const length = parts.ids.length;
  if (maxLength >= length) return parts;
  if (maxLength === 0) {
    const rest = sliceParts(parts, 0, length);
    const empty = sliceParts(parts, 0, 0);
    empty.overflowing = [rest];
    return empty;
  }
  if (!Number.isInteger(stride) || stride < 0 || stride >= maxLength) {
    throw new CodexError('E_TOKENIZER', `truncation stride ${stride} must be an integer in [0, ${maxLength})`, {
      hint: 'choose a stride smaller than the maximum length',
      exitCode: ExitCode.usage,
    });
  }
  const step = maxLength - stride;
  const ranges: [number, number][] = [];
  if (side === 'right') {
    for (let start = 0; start < length; start += step) {
      const stop = Math.min(start + maxLength, length);
      ranges.push([start, stop]);
      if (stop === length) break;
    }
  } else {
    for (let last = length - 1; last >= 0; last -= step) {
      const stop = last + 1;
      const start = Math.max(0, stop - maxLength);
      ranges.push([start, stop]);
      if (start === 0) break;
    }
  }
  const [first, ...others] = ranges;
  const head = sliceParts(parts, (first as [number, number])[0], (first as [number, number])[1]);
  head.overflowing = others.map(([start, stop]) => sliceParts(parts, start, stop));
  return head;
}

/**
 * Cuts a pair to `maxLength` tokens together, as Hugging Face's `truncate_encodings`: `longest_first` cuts the
 * longer sequence first and both when needed (`longestFirstLengths`); `only_first` / `only_second` cut one
 * sequence and refuse when it is too short to absorb the excess. Each cut sequence keeps its removed tokens as
 * overflowing windows.
 */
export function truncatePair(
  first: EncodingParts,
  second: EncodingParts,
  maxLength: number,
  stride: number,
  side: 'left' | 'right',
  strategy: 'longest_first' | 'only_first' | 'only_second',
): [EncodingParts, EncodingParts] {
  const total = first.ids.length + second.ids.length;
  if (total <= maxLength) return [first, second];
  if (strategy === 'longest_first') {
    const [n1, n2] = longestFirstLengths(first.ids.length, second.ids.length, maxLength);
    return [truncateParts(first, n1, stride, side), truncateParts(second, n2, stride, side)];
  }
  const excess = total - maxLength;
  const onFirst = strategy === 'only_first';
  const target = onFirst ? first : second;
  if (target.ids.length <= excess) {
    throw new CodexError(
      'E_TOKENIZER',
      `truncation ${strategy}: the ${onFirst ? 'first' : 'second'} sequence has ${target.ids.length} tokens, too few to remove the ${excess} the pair exceeds ${maxLength} by`,
      {hint: 'use truncation strategy longest_first, or a larger max length', exitCode: ExitCode.input},
    );
  }
  const cut = truncateParts(target, target.ids.length - excess, stride, side);
  return onFirst ? [cut, second] : [first, cut];
}

/**
 * The lengths `longest_first` leaves a pair of `a` and `b` tokens within `maxLength`, by Hugging Face's
 * algorithm (`truncate_encodings`): when only the longer must be cut it keeps what the shorter leaves; when both
 * must, they share `maxLength` in halves, the odd token to the longer (to the second when they are equal).
 *
 * `tokenizers` 0.23 also stops tokenizing each sequence once it holds `maxLength` tokens, so there a sequence
 * longer than `maxLength` on its own enters this with a capped length and both cut sequences may differ by one
 * token from these, and fewer tokens reach the overflowing windows. We cut the whole sequences.
 */
export function longestFirstLengths(a: number, b: number, maxLength: number): [number, number] {
  if (a + b <= maxLength) return [a, b];
  const swap = a > b;
  let [n1, n2] = swap ? [b, a] : [a, b];
  n2 = n1 > maxLength ? n1 : Math.max(n1, maxLength - n1);
  if (n1 + n2 > maxLength) {
    n1 = Math.floor(maxLength / 2);
    n2 = n1 + (maxLength % 2);
  }
  return swap ? [n2, n1] : [n1, n2];
}
