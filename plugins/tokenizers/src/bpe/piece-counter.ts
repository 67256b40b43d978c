import {PieceCache} from './piece-cache.js';

/**
 * Occurrence counts of text pieces, keyed by a range of a larger string: counting an already-seen piece
 * allocates nothing (no slice, no Map hashing of a fresh string). Open addressing over the FNV-1a hash of
 * `PieceCache`; grows by doubling.
 */
export class PieceCounter {
  #mask = 0xffff;
  #keys: (string | undefined)[] = Array.from({length: 0x10000}, () => undefined);
  #hashes = new Int32Array(0x10000);
  #counts = new Float64Array(0x10000);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Counts `text[start, end)` once more (`times` more). */
  add(text: string, start: number, end: number, times = 1): void {
    const hash = PieceCache.hash(text, start, end);
    const length = end - start;
    const keys = this.#keys;
    let slot = hash & this.#mask;
    for (;;) {
      const key = keys[slot];
      if (key === undefined) break;
      if (this.#hashes[slot] === hash && key.length === length && sameRange(key, text, start)) {
        this.#counts[slot] = (this.#counts[slot] as number) + times;
        return;
      }
      slot = (slot + 1) & this.#mask;
    }
    // A new key is copied: a slice of a long chunk would keep the whole chunk alive.
    const piece = text.slice(start, end);
    keys[slot] = piece.length < 13 ? piece : ` ${piece}`.slice(1);
    this.#hashes[slot] = hash;
    this.#counts[slot] = times;
    if (++this.#size * 2 > this.#mask + 1) this.#grow();
  }

  /** `[piece, count]` pairs, in no particular order. */
  *entries(): Generator<[string, number]> {
    for (let slot = 0; slot <= this.#mask; slot++) {
      const key = this.#keys[slot];
      if (key !== undefined) yield [key, this.#counts[slot] as number];
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const hashes = this.#hashes;
    const counts = this.#counts;
    const capacity = (this.#mask + 1) * 2;
    this.#mask = capacity - 1;
    this.#keys = Array.from({length: capacity}, () => undefined);
    this.#hashes = new Int32Array(capacity);
    this.#counts = new Float64Array(capacity);
    for (let old = 0; old < keys.length; old++) {
      const key = keys[old];
      if (key === undefined) continue;
      let slot = (hashes[old] as number) & this.#mask;
      while (this.#keys[slot] !== undefined) slot = (slot + 1) & this.#mask;
      this.#keys[slot] = key;
      this.#hashes[slot] = hashes[old] as number;
      this.#counts[slot] = counts[old] as number;
    }
  }
}

function sameRange(key: string, text: string, start: number): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
