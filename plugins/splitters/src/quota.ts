/**
 * `total × ratio`, snapped to the nearest integer when within 1e-9 of it: `10 × 0.7` is 7.000000000000001 in
 * binary floating point, and rounding rules must treat it as exactly 7.
 */
export function quota(total: number, ratio: number): number {
  const value = total * ratio;
  const nearest = Math.round(value);
  return Math.abs(value - nearest) <= 1e-9 * Math.max(1, Math.abs(value)) ? nearest : value;
}
