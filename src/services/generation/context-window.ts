/**
 * Which tokens the model sees when a sequence outgrows its context window of `contextLength` positions.
 *
 * Positions are learned and absolute, so cached keys and values are only valid for the positions they were
 * computed at: a window sliding by one token would invalidate the whole cache at every step. Instead the
 * window jumps by half a context at a time — the model sees the last C/2 … C tokens — and the cache is rebuilt
 * once per C/2 new tokens. Generation with and without the cache follows this same rule, so both choose the
 * same tokens.
 */
export class ContextWindow {
  readonly #contextLength: number;
  readonly #shift: number;

  constructor(contextLength: number) {
    if (!Number.isInteger(contextLength) || contextLength < 1) throw new RangeError(`context length ${contextLength} must be >= 1`);
    this.#contextLength = contextLength;
    this.#shift = Math.ceil(contextLength / 2);
  }

  /** Index of the first token the model sees when the sequence holds `length` tokens. */
  start(length: number): number {
    if (length <= this.#contextLength) return 0;
    return (Math.floor((length - this.#contextLength - 1) / this.#shift) + 1) * this.#shift;
  }
}
