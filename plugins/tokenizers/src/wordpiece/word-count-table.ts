/**
 * Word → count, open addressing on a hash the caller computes while scanning its text. Words are kept as UTF-16
 * code units in one typed-array pool and counted in place (`countSpan`), so counting allocates nothing and
 * touches no string objects; strings are built once, by `toMap`. Used instead of a `Map<string, number>`
 * because building and hashing a string per word dominated training time.
 */
export class WordCountTable {
  #slots = new Int32Array(1 << 16).fill(-1);
  #mask = (1 << 16) - 1;
  #size = 0;
  #hashes = new Int32Array(1 << 15);
  #starts = new Int32Array(1 << 15);
  #lengths = new Int32Array(1 << 15);
  #counts = new Float64Array(1 << 15);
  #pool = new Uint16Array(1 << 18);
  #poolUsed = 0;

  get size(): number {
    return this.#size;
  }

  /**
   * Counts the word spelled by `text[start, end)` after mapping every code unit through `lower` (a 128-entry
   * ASCII table, 0 = drop the unit). `hash` and `length` must be the `hashStep` hash and length of that word.
   */
  countSpan(text: string, start: number, end: number, lower: Uint8Array, hash: number, length: number): void {
    const mask = this.#mask;
    const pool = this.#pool;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const index = this.#slots[slot] as number;
      if (index < 0) {
        const at = this.#insert(slot, hash, length);
        const target = this.#pool;
        for (let i = start, k = at; i < end; i++) {
          const unit = lower[text.charCodeAt(i)] as number;
          if (unit !== 0) target[k++] = unit;
        }
        return;
      }
      if (this.#hashes[index] !== hash || this.#lengths[index] !== length) continue;
      let k = this.#starts[index] as number;
      let same = true;
      for (let i = start; i < end; i++) {
        const unit = lower[text.charCodeAt(i)] as number;
        if (unit === 0) continue;
        if (pool[k++] !== unit) {
          same = false;
          break;
        }
      }
      if (same) {
        this.#counts[index] = (this.#counts[index] as number) + 1;
        return;
      }
    }
  }

  /** Counts a whole string (any characters). */
  count(word: string, times = 1): void {
    const hash = stringHash(word);
    const mask = this.#mask;
    const length = word.length;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const index = this.#slots[slot] as number;
      if (index < 0) {
        const at = this.#insert(slot, hash, length);
        for (let i = 0; i < length; i++) this.#pool[at + i] = word.charCodeAt(i);
        this.#counts[this.#size - 1] = times;
        return;
      }
      if (this.#hashes[index] !== hash || this.#lengths[index] !== length) continue;
      const start = this.#starts[index] as number;
      let i = 0;
      while (i < length && this.#pool[start + i] === word.charCodeAt(i)) i++;
      if (i === length) {
        this.#counts[index] = (this.#counts[index] as number) + times;
        return;
      }
    }
  }

  /** The counts as a map, words in first-seen order. */
  toMap(): Map<string, number> {
    const map = new Map<string, number>();
    const decoder = new TextDecoder('utf-16le');
    const bytes = new Uint8Array(this.#pool.buffer);
    for (let index = 0; index < this.#size; index++) {
      const start = this.#starts[index] as number;
      const length = this.#lengths[index] as number;
      const word =
        length <= 16
          ? String.fromCharCode(...this.#pool.subarray(start, start + length))
          : decoder.decode(bytes.subarray(start * 2, (start + length) * 2));
      map.set(word, this.#counts[index] as number);
    }
    return map;
  }

  /** Claims an entry and `length` pool units for a new word with count 1; returns where its units go. */
  #insert(slot: number, hash: number, length: number): number {
    const index = this.#size++;
    if (index === this.#hashes.length) this.#growEntries();
    if (this.#poolUsed + length > this.#pool.length) {
      const pool = new Uint16Array(Math.max(this.#pool.length * 2, this.#poolUsed + length));
      pool.set(this.#pool);
      this.#pool = pool;
    }
    const at = this.#poolUsed;
    this.#poolUsed += length;
    this.#slots[slot] = index;
    this.#hashes[index] = hash;
    this.#starts[index] = at;
    this.#lengths[index] = length;
    this.#counts[index] = 1;
    if (this.#size * 2 > this.#slots.length) this.#rehash();
    return at;
  }

  #growEntries(): void {
    const grow = <T extends Int32Array | Float64Array>(array: T, make: (n: number) => T): T => {
      const next = make(array.length * 2);
      next.set(array);
      return next;
    };
    this.#hashes = grow(this.#hashes, (n) => new Int32Array(n));
    this.#starts = grow(this.#starts, (n) => new Int32Array(n));
    this.#lengths = grow(this.#lengths, (n) => new Int32Array(n));
    this.#counts = grow(this.#counts, (n) => new Float64Array(n));
  }

  #rehash(): void {
    const size = this.#slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let index = 0; index < this.#size; index++) {
      let slot = (this.#hashes[index] as number) & mask;
      while ((slots[slot] as number) >= 0) slot = (slot + 1) & mask;
      slots[slot] = index;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/** FNV-1a step over one UTF-16 code unit; start from `HASH_SEED`. */
export function hashStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193);
}

export const HASH_SEED = 0x811c9dc5 | 0;

export function stringHash(text: string): number {
  let hash = HASH_SEED;
  for (let i = 0; i < text.length; i++) hash = hashStep(hash, text.charCodeAt(i));
  return hash;
}
