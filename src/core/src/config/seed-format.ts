/** The largest seed: 2^53 − 1, the largest integer JSON and YAML readers (and a double) hold exactly. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/**
 * Config format of every seed: an integer from 0 to 2^53 − 1. A larger one, such as 2^64, reaches the code as
 * a rounded double — another seed than the one written — so it is refused rather than silently changed.
 */
export function exactSeed(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SEED) {
    throw new Error(`must be an integer from 0 to 2^53 − 1 (${MAX_SEED}), the range in which a seed is held exactly`);
  }
}
