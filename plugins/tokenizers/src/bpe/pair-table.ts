/**
 * Open-addressing hash table from a pair of ids `(a, b)` to `(rank, id)` in typed arrays: the merge lookup of
 * BPE encoding, with no allocation per lookup. Ids must be below 2^31; a missing pair reads as rank −1.
 */
export class PairTable {
  #mask: number;
  #keysA: Int32Array;
  #keysB: Int32Array;
  #ranks: Int32Array;
  #ids: Int32Array;
  #size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#keysA = new Int32Array(capacity).fill(-1);
    this.#keysB = new Int32Array(capacity);
    this.#ranks = new Int32Array(capacity);
    this.#ids = new Int32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the pair unless present (the first, lowest-ranked merge of a pair wins). Returns false if it was. */
  add(a: number, b: number, rank: number, id: number): boolean {
    if ((this.#size + 1) * 2 > this.#mask + 1) this.#grow();
    let slot = hash(a, b) & this.#mask;
    for (;;) {
      const key = this.#keysA[slot] as number;
      if (key === -1) break;
      if (key === a && this.#keysB[slot] === b) return false;
      slot = (slot + 1) & this.#mask;
    }
    this.#keysA[slot] = a;
    this.#keysB[slot] = b;
    this.#ranks[slot] = rank;
    this.#ids[slot] = id;
    this.#size++;
    return true;
  }

  /** Slot of the pair, or −1. Read its rank and id with `rankAt`/`idAt`. */
  find(a: number, b: number): number {
    const keysA = this.#keysA;
    const keysB = this.#keysB;
    const mask = this.#mask;
    let slot = hash(a, b) & mask;
    for (;;) {
      const key = keysA[slot] as number;
      if (key === -1) return -1;
      if (key === a && keysB[slot] === b) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Rank of the pair's merge, or −1 when the pair does not merge. */
  rank(a: number, b: number): number {
    const slot = this.find(a, b);
    return slot < 0 ? -1 : (this.#ranks[slot] as number);
  }

  rankAt(slot: number): number {
    return this.#ranks[slot] as number;
  }

  idAt(slot: number): number {
    return this.#ids[slot] as number;
  }

  #grow(): void {
    const keysA = this.#keysA;
    const keysB = this.#keysB;
    const ranks = this.#ranks;
    const ids = this.#ids;
    const capacity = (this.#mask + 1) * 2;
    this.#mask = capacity - 1;
    this.#keysA = new Int32Array(capacity).fill(-1);
    this.#keysB = new Int32Array(capacity);
    this.#ranks = new Int32Array(capacity);
    this.#ids = new Int32Array(capacity);
    this.#size = 0;
    for (let slot = 0; slot < keysA.length; slot++) {
      const a = keysA[slot] as number;
      if (a !== -1) this.add(a, keysB[slot] as number, ranks[slot] as number, ids[slot] as number);
    }
  }
}

function hash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 7;
}
