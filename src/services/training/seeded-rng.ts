/** Serializable state of a `SeededRng`: the four 32-bit words of xoshiro128**. */
export type RngState = readonly [number, number, number, number];

/**
 * xoshiro128** — a small, fast PRNG whose whole state is four uint32 words, so it can be written into a
 * checkpoint and restored exactly. Never `Math.random`: every random choice of a run derives from the seed.
 */
export class SeededRng {
  #s: Uint32Array;

  private constructor(state: RngState) {
    this.#s = Uint32Array.from(state);
  }

  /** A generator for one named stream of a seed (`sampler`, `dropout`, …): streams never share sequences. */
  static fromSeed(seed: number, stream: string): SeededRng {
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
    const state: [number, number, number, number] = [next(), next(), next(), next()];
    // The all-zero state is the one fixed point of xoshiro; splitmix32 output makes it practically impossible.
    if (state.every((word) => word === 0)) state[0] = 1;
    return new SeededRng(state);
  }

  static fromState(state: RngState): SeededRng {
    if (state.length !== 4 || state.some((word) => !Number.isInteger(word) || word < 0 || word > 0xffffffff)) {
      throw new RangeError(`invalid RNG state ${JSON.stringify(state)}`);
    }
    return new SeededRng(state);
  }

  get state(): RngState {
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

  /** Uniform in [0, 1), in steps of 2⁻³². */
  nextFloat(): number {
    return this.nextUint32() / 0x100000000;
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
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}
