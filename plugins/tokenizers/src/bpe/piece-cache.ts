/**
 * Encoded pieces keyed by text, looked up by a range of a larger string so that a hit allocates nothing (no
 * slice, no Map key hashing of a fresh string). Open addressing over a 32-bit FNV-1a hash of the UTF-16 code
 * units; stops accepting entries when full, like Hugging Face's BPE cache.
 */
export class PieceCache {
  readonly #capacity: number;
  #mask: number;
  #keys: (string | undefined)[];
  #hashes: Int32Array;
  #values: (Int32Array | undefined)[];
  #size = 0;

  /** Starts small and doubles as entries arrive, up to `capacity` entries. */
  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#mask = 4095;
    [this.#keys, this.#hashes, this.#values] = PieceCache.#tables(4096);
  }

  static #tables(slots: number): [(string | undefined)[], Int32Array, (Int32Array | undefined)[]] {
    // Filled by push, not new Array(n): large preallocated arrays start in slow dictionary mode.
    const keys: undefined[] = [];
    const values: undefined[] = [];
    for (let i = 0; i < slots; i++) {
      keys.push(undefined);
      values.push(undefined);
    }
    return [keys, new Int32Array(slots), values];
  }

  static hash(text: string, start: number, end: number): number {
    let hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    return hash;
  }

  /** The value stored for `text[start, end)` (whose hash is `hash`), or undefined. */
  get(text: string, start: number, end: number, hash: number): Int32Array | undefined {
    const length = end - start;
    let slot = hash & this.#mask;
    for (;;) {
      const key = this.#keys[slot];
      if (key === undefined) return undefined;
      if (this.#hashes[slot] === hash && key.length === length && sameRange(key, text, start)) return this.#values[slot];
      slot = (slot + 1) & this.#mask;
    }
  }

  set(key: string, hash: number, value: Int32Array): void {
    if (this.#size >= this.#capacity) return;
    let slot = hash & this.#mask;
    while (this.#keys[slot] !== undefined) {
      if (this.#hashes[slot] === hash && this.#keys[slot] === key) return;
      slot = (slot + 1) & this.#mask;
    }
    this.#keys[slot] = key;
    this.#hashes[slot] = hash;
    this.#values[slot] = value;
    if (++this.#size * 2 > this.#mask + 1) this.#grow();
  }

  #grow(): void {
    const keys = this.#keys;
    const hashes = this.#hashes;
    const values = this.#values;
    const slots = (this.#mask + 1) * 2;
    this.#mask = slots - 1;
    [this.#keys, this.#hashes, this.#values] = PieceCache.#tables(slots);
    for (let old = 0; old < keys.length; old++) {
      const key = keys[old];
      if (key === undefined) continue;
      let slot = (hashes[old] as number) & this.#mask;
      while (this.#keys[slot] !== undefined) slot = (slot + 1) & this.#mask;
      this.#keys[slot] = key;
      this.#hashes[slot] = hashes[old] as number;
      this.#values[slot] = values[old];
    }
  }
}

function sameRange(key: string, text: string, start: number): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
