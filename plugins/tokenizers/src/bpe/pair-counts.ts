/**
 * Training-time statistics per pair of symbol ids: occurrence count (weighted by word frequency) and the words
 * it may occur in (a superset: entries go stale as words change, and the trainer re-checks). Open addressing
 * in typed arrays; slots are never removed, a count simply drops to 0.
 */
export class PairCounts {
  #mask: number;
  #left: Int32Array;
  #right: Int32Array;
  #words: number[][] = [];
  /** Handle → slot. */
  #handles: number[] = [];
  #handleCounts = new Float64Array(1024);
  /** Slot → index into `#words`, −1 for empty slots. */
  #index: Int32Array;

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#left = new Int32Array(capacity).fill(-1);
    this.#right = new Int32Array(capacity);
    this.#index = new Int32Array(capacity).fill(-1);
  }

  /** Handle of the pair (stable for the table's life), creating it with count 0 when missing. */
  handle(a: number, b: number): number {
    let slot = this.#slot(a, b);
    if (this.#left[slot] === -1) {
      if ((this.#words.length + 1) * 2 > this.#mask + 1) {
        this.#grow();
        slot = this.#slot(a, b);
      }
      this.#left[slot] = a;
      this.#right[slot] = b;
      this.#index[slot] = this.#words.length;
      this.#words.push([]);
      this.#handles.push(slot);
    }
    return this.#index[slot] as number;
  }

  /** Handle of the pair or −1. */
  find(a: number, b: number): number {
    const slot = this.#slot(a, b);
    return this.#left[slot] === -1 ? -1 : (this.#index[slot] as number);
  }

  count(handle: number): number {
    return this.#handleCounts[handle] as number;
  }

  add(handle: number, delta: number): number {
    this.#ensureCounts(handle);
    const next = (this.#handleCounts[handle] as number) + delta;
    this.#handleCounts[handle] = next;
    return next;
  }

  words(handle: number): number[] {
    return this.#words[handle] as number[];
  }

  left(handle: number): number {
    return this.#left[this.#handles[handle] as number] as number;
  }

  right(handle: number): number {
    return this.#right[this.#handles[handle] as number] as number;
  }

  get size(): number {
    return this.#words.length;
  }

  #ensureCounts(handle: number): void {
    if (handle < this.#handleCounts.length) return;
    let length = this.#handleCounts.length;
    while (length <= handle) length *= 2;
    const next = new Float64Array(length);
    next.set(this.#handleCounts);
    this.#handleCounts = next;
  }

  #slot(a: number, b: number): number {
    const mask = this.#mask;
    let slot = ((Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 7) & mask;
    for (;;) {
      const key = this.#left[slot] as number;
      if (key === -1 || (key === a && this.#right[slot] === b)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const capacity = (this.#mask + 1) * 2;
    const handles = this.#handles;
    const left = this.#handles.map((slot) => this.#left[slot] as number);
    const right = this.#handles.map((slot) => this.#right[slot] as number);
    this.#mask = capacity - 1;
    this.#left = new Int32Array(capacity).fill(-1);
    this.#right = new Int32Array(capacity);
    this.#index = new Int32Array(capacity).fill(-1);
    for (let handle = 0; handle < handles.length; handle++) {
      const a = left[handle] as number;
      const b = right[handle] as number;
      const slot = this.#slot(a, b);
      this.#left[slot] = a;
      this.#right[slot] = b;
      this.#index[slot] = handle;
      handles[handle] = slot;
    }
  }
}
