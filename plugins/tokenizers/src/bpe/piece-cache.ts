/**
 * Encoded pieces keyed by text, looked up by a range of a larger string so that a hit allocates nothing (no
 * slice, no Map key hashing of a fresh string). Open addressing over a 32-bit FNV-1a hash of the UTF-16 code
 * units; stops accepting entries when full, like Hugging Face's BPE cache.
 */
export class PieceCache {
  readonly #capacity: number;
  readonly #mask: number;
  readonly #keys: (string | undefined)[];
  readonly #hashes: Int32Array;
  readonly #values: (Int32Array | undefined)[];
  #size = 0;

  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.#capacity = capacity;
    this.#mask = slots - 1;
    // Array.from, not new Array(n): large preallocated arrays start in slow dictionary mode.
    this.#keys = Array.from({length: slots}, () => undefined);
    this.#hashes = new Int32Array(slots);
    this.#values = Array.from({length: slots}, () => undefined);
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
    this.#size++;
  }
}

function sameRange(key: string, text: string, start: number): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
