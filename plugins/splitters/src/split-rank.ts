import {forEachUtf8Byte} from '@codex-ml/core';
/**
 * The keyed rank every splitter orders items by. It depends only on (seed, text), so membership never depends
 * on the order items are listed in, and it is pure integer arithmetic, so it is the same on every platform.
 *
 * Rule (version `murmur3x2-utf8-v1`, recorded in manifests):
 * 1. The seed, as a 64-bit two's-complement integer, goes through SplitMix64's finalizer; the high and low
 *    32 bits of the result are the keys `k1` and `k2`.
 * 2. `h1 = murmur3_x86_32(utf8(text), k1)` and `h2 = murmur3_x86_32(utf8(text), k2)`.
 * 3. `rank = h1 · 2^21 + ⌊h2 / 2^11⌋`: a 53-bit integer, exact in a double.
 * Equal ranks (about one pair per 2^26 items) are ordered by the text itself, in UTF-16 code unit order.
 *
 * Not cryptographic: a split assignment is not a secret, it only has to look random and be reproducible.
 */
export const RANK_RULE = 'murmur3x2-utf8-v1';

/** The two 32-bit murmur3 seeds derived from a user seed. */
export interface RankKey {
  readonly k1: number;
  readonly k2: number;
}

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64's finalizer spreads nearby seeds (0, 1, 2, …) into unrelated keys. */
export function rankKey(seed: number): RankKey {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed ${seed} is not a safe integer`);
  let z = (BigInt.asUintN(64, BigInt(seed)) + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  z ^= z >> 31n;
  return {k1: Number(z >> 32n), k2: Number(z & 0xffffffffn)};
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

// Hashing state of the call in progress: module-level rather than closures, because this runs once per item
// (millions of times) and closures per call would dominate the cost.
let h1 = 0;
let h2 = 0;
let block = 0;
let filled = 0;
let length = 0;

function mixBlock(k: number): void {
  let m = Math.imul(k, C1);
  m = (m << 15) | (m >>> 17);
  m = Math.imul(m, C2);
  h1 ^= m;
  h1 = (h1 << 13) | (h1 >>> 19);
  h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
  h2 ^= m;
  h2 = (h2 << 13) | (h2 >>> 19);
  h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
}

function push(byte: number): void {
  block |= byte << (filled * 8);
  length++;
  if (++filled === 4) {
    mixBlock(block);
    block = 0;
    filled = 0;
  }
}

/** Both murmur3 lanes of `text`'s UTF-8 bytes in one pass, combined into the 53-bit rank. */
export function rankOf(text: string, key: RankKey): number {
  // Fast path: whole 4-byte blocks of ASCII, read four UTF-16 units at a time (ids are mostly ASCII paths).
  let a = key.k1 | 0;
  let b = key.k2 | 0;
  let start = 0;
  const end = text.length - 3;
  while (start < end) {
    const c0 = text.charCodeAt(start);
    const c1 = text.charCodeAt(start + 1);
    const c2 = text.charCodeAt(start + 2);
    const c3 = text.charCodeAt(start + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) break;
    let m = Math.imul(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), C1);
    m = (m << 15) | (m >>> 17);
    m = Math.imul(m, C2);
    a ^= m;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b ^= m;
    b = (b << 13) | (b >>> 19);
    b = (Math.imul(b, 5) + 0xe6546b64) | 0;
    start += 4;
  }
  h1 = a;
  h2 = b;
  block = 0;
  filled = 0;
  length = start;
  forEachUtf8Byte(text, start, push);
  if (filled > 0) {
    let m = Math.imul(block, C1);
    m = (m << 15) | (m >>> 17);
    m = Math.imul(m, C2);
    h1 ^= m;
    h2 ^= m;
  }
  const high = finalMix(h1 ^ length);
  const low = finalMix(h2 ^ length);
  return (high >>> 0) * 2 ** 21 + ((low >>> 0) >>> 11);
}

/** murmur3_x86_32 of `text`'s UTF-8 bytes; exposed so tests can check the rank against published vectors. */
export function murmur3(text: string, seed: number): number {
  const rank = rankOf(text, {k1: seed, k2: seed});
  return Math.floor(rank / 2 ** 21);
}

function finalMix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Ranks of many texts under one seed. */
export function ranksOf(texts: readonly string[], seed: number): Float64Array {
  const key = rankKey(seed);
  const ranks = new Float64Array(texts.length);
  for (let i = 0; i < texts.length; i++) ranks[i] = rankOf(texts[i] as string, key);
  return ranks;
}

/** Total order of (rank, text): rank first, text (UTF-16 code units) on equal ranks. */
export function compareRanked(rankA: number, textA: string, rankB: number, textB: string): number {
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  return textA < textB ? -1 : textA > textB ? 1 : 0;
}
