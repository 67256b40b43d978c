import {mixSeed, type TokenBatch} from '@codex-ml/core';

/**
 * Tokens a gradient chunk holds (rounded up to whole rows): large enough that per-chunk overhead (the ordered
 * addition to the sum, smaller products) stays small, small enough that a batch gives several chunks to spread
 * over threads and that one chunk's activations fit. At 256 the default preset's step (16 × 64 tokens) made four
 * chunks and scaled 1.6× on two cores; at 512 it makes two, one per core, and scales 1.7×.
 */
export const CHUNK_TOKENS = 512;

/**
 * A piece of one step's batch whose gradient is computed in one forward and backward pass. A step's chunks
 * and their order depend only on its micro-batches — never on how many threads compute them — and their
 * gradients are summed in that order, which is what makes results independent of the worker count.
 */
export interface GradientChunk {
  /** Position in the step's reduction order. */
  readonly index: number;
  readonly batch: TokenBatch;
  /** Share of the step's mean: this chunk's tokens over its micro-batch's, over the number of micro-batches. */
  readonly weight: number;
  /** Seed of the chunk's dropout masks: the update's number and the chunk's index, nothing else. */
  readonly dropoutSeed: number;
}

/** Rows per chunk for rows of `length` tokens. */
export function chunkRows(length: number): number {
  return Math.max(1, Math.ceil(CHUNK_TOKENS / Math.max(1, length)));
}

/**
 * Splits each micro-batch, in order, into runs of `chunkRows(length)` rows (the last one may be shorter).
 * `update` is the 0-based number of the update these chunks make (the optimizer's step before it).
 */
export function gradientChunks(microBatches: readonly TokenBatch[], update: number): GradientChunk[] {
  if (microBatches.length === 0) throw new RangeError('a training step needs at least one micro-batch');
  const chunks: GradientChunk[] = [];
  for (const batch of microBatches) {
    const rows = chunkRows(batch.length);
    for (let first = 0; first < batch.batchSize; first += rows) {
      const count = Math.min(rows, batch.batchSize - first);
      const from = first * batch.length;
      const to = from + count * batch.length;
      const index = chunks.length;
      chunks.push({
        index,
        batch: {
          batchSize: count,
          length: batch.length,
          contexts: batch.contexts.subarray(from, to),
          targets: batch.targets.subarray(from, to),
        },
        weight: count / batch.batchSize / microBatches.length,
        dropoutSeed: mixSeed(update, index),
      });
    }
  }
  return chunks;
}
