/** The whole state of a `SeededRandom`: the four 32-bit words of xoshiro128**, for checkpoints. */
export type RandomState = readonly [number, number, number, number];

/**
 * The one seeded generator: xoshiro128**, seeded through splitmix32, with its state small enough to checkpoint
 * and restore exactly. Never `Math.random`: every random choice (weight init, batch order, conformance inputs)
 * derives from a seed and a stream name, so the same seed gives the same numbers on every machine and two
 * streams of one seed (`sampler`, a parameter's name) never share a sequence.
 */
export class SeededRandom {
  readonly #s: Uint32Array;
  #spare: number | undefined;

  constructor(seed: number, stream = '') {
    // splitmix32 over (seed, stream) spreads any seed — 0 included — over the whole state space.
    let x = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    for (let index = 0; index < stream.length; index++) x = Math.imul(x ^ stream.charCodeAt(index), 0x01000193) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s = Uint32Array.of(next(), next(), next(), next());
    // The all-zero state is xoshiro's one fixed point; splitmix32 output makes it practically impossible.
    if (this.#s.every((word) => word === 0)) this.#s[0] = 1;
  }

  /** A generator continuing exactly where one with this `state` stood. */
  static fromState(state: RandomState): SeededRandom {
    if (state.length !== 4 || state.some((word) => !Number.isInteger(word) || word < 0 || word > 0xffffffff)) {
      throw new RangeError(`invalid random state ${JSON.stringify(state)}`);
    }
    const random = new SeededRandom(0);
    random.#s.set(state);
    return random;
  }

  get state(): RandomState {
    const s = this.#s;
    return [s[0] as number, s[1] as number, s[2] as number, s[3] as number];
  }

  /** Next uint32. */
  nextUint32(): number {
    const s = this.#s as Uint32Array & {0: number; 1: number; 2: number; 3: number};
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform integer in [0, bound) without modulo bias (rejection sampling). */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 0x100000000) throw new RangeError(`bound ${bound} out of range`);
    const limit = 0x100000000 - (0x100000000 % bound);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % bound;
    }
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + this.nextInt(max - min + 1);
  }

  /** Uniform in [0, 1), in steps of 2⁻³². */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in (0, 1): never 0, so `log` is safe. */
  nextOpen(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number {
    if (this.#spare !== undefined) {
      const value = this.#spare;
      this.#spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.nextOpen()));
    const angle = 2 * Math.PI * this.nextOpen();
    this.#spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** `size` draws from N(0, std²) as float32. */
  normalArray(size: number, std: number): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = this.nextNormal() * std;
    return out;
  }

  /** Fills `target` with random bytes and returns it. */
  fill(target: Uint8Array): Uint8Array {
    for (let i = 0; i < target.length; i += 4) {
      let word = this.nextUint32();
      for (let k = i; k < Math.min(i + 4, target.length); k++, word >>>= 8) target[k] = word & 0xff;
    }
    return target;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
}

/** Mixes two 32-bit integers into one seed (per-step, per-site dropout seeds); a hash, not a generator. */
export function mixSeed(a: number, b: number): number {
  let z = (Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}
