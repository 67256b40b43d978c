import type {TokenBatch} from '@codex-ml/core';

/**
 * A learnable toy corpus: token i+1 follows token i (mod vocab) with an occasional seeded skip, cut into
 * `batchSize` windows of `length` tokens starting at fixed offsets. Deterministic, no files.
 */
export function toyBatch(vocab: number, batchSize: number, length: number, offset = 0): TokenBatch {
  const contexts = new Int32Array(batchSize * length);
  const targets = new Int32Array(batchSize * length);
  const token = (i: number) => (i * 3 + Math.floor(i / 7)) % vocab;
  for (let b = 0; b < batchSize; b++) {
    const start = offset + b * 11;
    for (let j = 0; j < length; j++) {
      contexts[b * length + j] = token(start + j);
      targets[b * length + j] = token(start + j + 1);
    }
  }
  return {batchSize, length, contexts, targets};
}

/** Largest absolute difference of two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** Bitwise equality of float32 arrays (NaN payloads and signed zeros included). */
export function bitwiseEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
