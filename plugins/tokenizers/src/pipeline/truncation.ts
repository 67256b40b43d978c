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
