/**
 * Training-time statistics per pair of symbol ids: occurrence count (weighted by word frequency) and the words
 * it may occur in — a superset, since entries go stale as words change and the trainer re-checks them. All in
 * typed arrays (open addressing for the pairs, linked lists for the words) so that the merge loop allocates
 * nothing per update. Pairs are never removed; a count simply drops to 0.
 */
export class PairCounts {
  #mask: number;
  /** Slot → pair handle, −1 when empty. */
  #slots: Int32Array;
  #left: Int32Array = new Int32Array(1024);
  #right: Int32Array = new Int32Array(1024);
  #counts = new Float64Array(1024);
  /** Handle → first word-list node, −1 when none. */
  #head: Int32Array = new Int32Array(1024).fill(-1);
  #nodeWord: Int32Array = new Int32Array(4096);
  #nodeNext: Int32Array = new Int32Array(4096);
  #nodes = 0;
  #size = 0;

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#slots = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.#size;
  }

  /** Handle of the pair (stable for the table's life), creating it with count 0 when missing. */
  handle(a: number, b: number): number {
    let slot = this.#slot(a, b);
    const found = this.#slots[slot] as number;
    if (found >= 0) return found;
    if ((this.#size + 1) * 2 > this.#mask + 1) {
      this.#grow();
      slot = this.#slot(a, b);
    }
    const handle = this.#size++;
    if (handle === this.#left.length) this.#growHandles();
    this.#slots[slot] = handle;
    this.#left[handle] = a;
    this.#right[handle] = b;
    return handle;
  }

  /** Handle of the pair or −1. */
  find(a: number, b: number): number {
    return this.#slots[this.#slot(a, b)] as number;
  }

  count(handle: number): number {
    return this.#counts[handle] as number;
  }

  add(handle: number, delta: number): number {
    const next = (this.#counts[handle] as number) + delta;
    this.#counts[handle] = next;
    return next;
  }

  left(handle: number): number {
    return this.#left[handle] as number;
  }

  right(handle: number): number {
    return this.#right[handle] as number;
  }

  /** Records that the pair may occur in `word` (skipped when `word` was the last one recorded). */
  addWord(handle: number, word: number): void {
    const head = this.#head[handle] as number;
    if (head >= 0 && this.#nodeWord[head] === word) return;
    if (this.#nodes === this.#nodeWord.length) {
      this.#nodeWord = grown(this.#nodeWord, 0);
      this.#nodeNext = grown(this.#nodeNext, 0);
    }
    const node = this.#nodes++;
    this.#nodeWord[node] = word;
    this.#nodeNext[node] = head;
    this.#head[handle] = node;
  }

  /** First node of the pair's word list (−1 when empty); walk with `nodeWord`/`nodeNext`. */
  firstNode(handle: number): number {
    return this.#head[handle] as number;
  }

  nodeWord(node: number): number {
    return this.#nodeWord[node] as number;
  }

  nodeNext(node: number): number {
    return this.#nodeNext[node] as number;
  }

  #slot(a: number, b: number): number {
    const mask = this.#mask;
    const slots = this.#slots;
    let slot = ((Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 7) & mask;
    for (;;) {
      const handle = slots[slot] as number;
      if (handle === -1 || (this.#left[handle] === a && this.#right[handle] === b)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const capacity = (this.#mask + 1) * 2;
    this.#mask = capacity - 1;
    this.#slots = new Int32Array(capacity).fill(-1);
    for (let handle = 0; handle < this.#size; handle++) {
      this.#slots[this.#slot(this.#left[handle] as number, this.#right[handle] as number)] = handle;
    }
  }

  #growHandles(): void {
    this.#left = grown(this.#left, 0);
    this.#right = grown(this.#right, 0);
    this.#head = grown(this.#head, -1);
    const counts = new Float64Array(this.#counts.length * 2);
    counts.set(this.#counts);
    this.#counts = counts;
  }
}

function grown(array: Int32Array, fill: number): Int32Array {
  const next = new Int32Array(array.length * 2);
  if (fill !== 0) next.fill(fill, array.length);
  next.set(array);
  return next;
}
