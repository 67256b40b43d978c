import {quota} from './quota.js';

/**
 * Integer sizes `s_i` with `Σ s_i = total` and each `s_i` equal to `⌊total·r_i⌋` or one more (Hamilton's
 * largest-remainder method). The units left after flooring go to the largest fractional parts; equal
 * fractions go to the earlier index, so callers pass ratios in their canonical order.
 */
export function largestRemainderSizes(total: number, ratios: readonly number[]): number[] {
  const quotas = ratios.map((ratio) => quota(total, ratio));
  const sizes = quotas.map((quota) => Math.floor(quota));
  let left = total - sizes.reduce((sum, size) => sum + size, 0);
  const order = quotas.map((quota, index) => ({index, fraction: quota - Math.floor(quota)}));
  order.sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  // `left` is below ratios.length except when the ratios sum to slightly under 1; cycle to stay exact.
  for (let i = 0; left > 0; i = (i + 1) % order.length, left--) {
    const index = (order[i] as {index: number}).index;
    sizes[index] = (sizes[index] as number) + 1;
  }
  for (let i = order.length - 1; left < 0; i = (i - 1 + order.length) % order.length) {
    const index = (order[i] as {index: number}).index;
    if ((sizes[index] as number) > 0) {
      sizes[index] = (sizes[index] as number) - 1;
      left++;
    }
  }
  return sizes;
}
