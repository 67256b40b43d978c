import type {TokenBatch} from '@codex-ml/core';
import {type RandomState, SeededRandom} from '@codex-ml/core';

/** Token ids of one split, as stored in the token cache. */
export type TokenArray = Uint16Array | Uint32Array;

/** Where a sampler is, written into checkpoints so that a resumed run draws the very same batches. */
export interface SamplerState {
  readonly type: 'epoch-shuffle';
  readonly version: 1;
  /** Passes started over the split (1 while in the first pass). */
  readonly epoch: number;
  /** Windows of the current pass already handed out. */
  readonly cursor: number;
  /** RNG state before this pass's shift and shuffle were drawn: replaying it rebuilds the pass. */
  readonly epochRng: RandomState;
}

/**
 * Draws training batches: each pass (epoch) cuts the split into non-overlapping windows of
 * `contextLength + 1` tokens at a random offset, shuffles them with the seeded RNG and hands them out in order;
 * a batch may straddle two passes. The state is (pass number, cursor, RNG state at the pass start), so it
 * serializes to a few numbers whatever the split size.
 */
export class BatchSampler {
  readonly #tokens: TokenArray;
  readonly #batchSize: number;
  readonly #contextLength: number;
  #rng: SeededRandom;
  #epoch = 0;
  #cursor = 0;
  #epochRng: RandomState;
  #starts: Uint32Array = new Uint32Array(0);

  constructor(tokens: TokenArray, options: {readonly batchSize: number; readonly contextLength: number; readonly seed: number}) {
    if (tokens.length < options.contextLength + 1) {
      throw new RangeError(`the split has ${tokens.length} tokens, fewer than contextLength + 1 = ${options.contextLength + 1}`);
    }
    this.#tokens = tokens;
    this.#batchSize = options.batchSize;
    this.#contextLength = options.contextLength;
    this.#rng = new SeededRandom(options.seed, 'sampler');
    this.#epochRng = this.#rng.state;
    this.#startEpoch();
  }

  /** Windows per pass (at offset 0); a pass at a non-zero offset may have one fewer. */
  static windowsPerEpoch(tokenCount: number, contextLength: number): number {
    return Math.floor((tokenCount - 1) / contextLength);
  }

  get epoch(): number {
    return this.#epoch;
  }

  get state(): SamplerState {
    return {type: 'epoch-shuffle', version: 1, epoch: this.#epoch, cursor: this.#cursor, epochRng: this.#epochRng};
  }

  /** Restores a state written by `state` for the same split, batch size, context length and seed. */
  restore(state: SamplerState): void {
    if (state.type !== 'epoch-shuffle' || state.version !== 1 || !Number.isInteger(state.epoch) || state.epoch < 1) {
      throw new RangeError(`unsupported sampler state ${JSON.stringify(state).slice(0, 80)}`);
    }
    this.#rng = SeededRandom.fromState(state.epochRng);
    this.#epoch = state.epoch - 1;
    this.#startEpoch();
    if (!Number.isInteger(state.cursor) || state.cursor < 0 || state.cursor > this.#starts.length) {
      throw new RangeError(`sampler cursor ${state.cursor} outside the pass of ${this.#starts.length} windows`);
    }
    this.#cursor = state.cursor;
  }

  next(): TokenBatch {
    const context = this.#contextLength;
    const contexts = new Int32Array(this.#batchSize * context);
    const targets = new Int32Array(this.#batchSize * context);
    for (let row = 0; row < this.#batchSize; row++) {
      if (this.#cursor >= this.#starts.length) this.#startEpoch();
      const start = this.#starts[this.#cursor++] as number;
      copyWindow(this.#tokens, start, context, contexts, targets, row * context);
    }
    return {batchSize: this.#batchSize, length: context, contexts, targets};
  }

  #startEpoch(): void {
    this.#epochRng = this.#rng.state;
    this.#epoch++;
    this.#cursor = 0;
    const context = this.#contextLength;
    const offset = this.#rng.nextInt(context);
    let count = Math.floor((this.#tokens.length - 1 - offset) / context);
    // Tiny splits: fall back to offset 0 rather than an empty pass.
    const base = count > 0 ? offset : 0;
    if (count <= 0) count = BatchSampler.windowsPerEpoch(this.#tokens.length, context);
    const starts = new Uint32Array(count);
    for (let index = 0; index < count; index++) starts[index] = base + index * context;
    // Fisher–Yates from the end; the RNG is the only source of order.
    for (let index = count - 1; index > 0; index--) {
      const other = this.#rng.nextInt(index + 1);
      const swap = starts[index] as number;
      starts[index] = starts[other] as number;
      starts[other] = swap;
    }
    this.#starts = starts;
  }
}

/**
 * Fixed evaluation batches: consecutive windows from the start of the split, no randomness, so every
 * evaluation of a run (and of its resumed continuation) scores the same tokens.
 */
export function evaluationBatches(
  tokens: TokenArray,
  options: {readonly batchSize: number; readonly contextLength: number; readonly maxBatches: number},
): TokenBatch[] {
  const context = options.contextLength;
  const windows = BatchSampler.windowsPerEpoch(tokens.length, context);
  const rows = Math.min(windows, options.batchSize * options.maxBatches);
  const batches: TokenBatch[] = [];
  for (let first = 0; first < rows; first += options.batchSize) {
    const size = Math.min(options.batchSize, rows - first);
    const contexts = new Int32Array(size * context);
    const targets = new Int32Array(size * context);
    for (let row = 0; row < size; row++) copyWindow(tokens, (first + row) * context, context, contexts, targets, row * context);
    batches.push({batchSize: size, length: context, contexts, targets});
  }
  return batches;
}

function copyWindow(tokens: TokenArray, start: number, context: number, contexts: Int32Array, targets: Int32Array, at: number): void {
  for (let index = 0; index < context; index++) {
    contexts[at + index] = tokens[start + index] as number;
    targets[at + index] = tokens[start + index + 1] as number;
  }
}
