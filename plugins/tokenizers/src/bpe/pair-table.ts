/**
 * Open-addressing hash table from a pair of ids `(a, b)` to `(rank, id)` in one typed array: the merge lookup of
 * BPE encoding, with no allocation per lookup. Each slot's four fields sit together so that a probe touches one
 * cache line. Ids must be below 2^31; a missing pair reads as rank −1.
 */
export class PairTable {
  #mask: number;
  /** Per slot: a (−1 when empty), b, rank, id. */
  #slots: Int32Array;
  #size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#slots = emptySlots(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the pair unless present (the first, lowest-ranked merge of a pair wins). Returns false if it was. */
  add(a: number, b: number, rank: number, id: number): boolean {
    if ((this.#size + 1) * 2 > this.#mask + 1) this.#grow();
    const slots = this.#slots;
    let slot = hash(a, b) & this.#mask;
    for (;;) {
      const key = slots[slot * 4] as number;
      if (key === -1) break;
      if (key === a && slots[slot * 4 + 1] === b) return false;
      slot = (slot + 1) & this.#mask;
    }
    slots[slot * 4] = a;
    slots[slot * 4 + 1] = b;
    slots[slot * 4 + 2] = rank;
    slots[slot * 4 + 3] = id;
    this.#size++;
    return true;
  }

  /** Slot of the pair, or −1. Read its rank and id with `rankAt`/`idAt`. */
  find(a: number, b: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = hash(a, b) & mask;
    for (;;) {
      const key = slots[slot * 4] as number;
      if (key === -1) return -1;
      if (key === a && slots[slot * 4 + 1] === b) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Rank of the pair's merge, or −1 when the pair does not merge. */
  rank(a: number, b: number): number {
    const slot = this.find(a, b);
    return slot < 0 ? -1 : (this.#slots[slot * 4 + 2] as number);
  }

  rankAt(slot: number): number {
    return this.#slots[slot * 4 + 2] as number;
  }

  idAt(slot: number): number {
    return this.#slots[slot * 4 + 3] as number;
  }

  /** Calls `visit(a, b, rank, id)` for every pair, in slot order. */
  forEach(visit: (a: number, b: number, rank: number, id: number) => void): void {
    const slots = this.#slots;
    for (let at = 0; at < slots.length; at += 4) {
      const a = slots[at] as number;
      if (a !== -1) visit(a, slots[at + 1] as number, slots[at + 2] as number, slots[at + 3] as number);
    }
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = (this.#mask + 1) * 2;
    this.#mask = capacity - 1;
    this.#slots = emptySlots(capacity);
    this.#size = 0;
    for (let at = 0; at < old.length; at += 4) {
      const a = old[at] as number;
      if (a !== -1) this.add(a, old[at + 1] as number, old[at + 2] as number, old[at + 3] as number);
    }
  }
}

function emptySlots(capacity: number): Int32Array {
  const slots = new Int32Array(capacity * 4);
  for (let at = 0; at < slots.length; at += 4) slots[at] = -1;
  return slots;
}

function hash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 7;
}
