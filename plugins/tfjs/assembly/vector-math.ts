// Vector helpers shared by the kernels. Everything here is pure arithmetic on f32x4 values.

/**
 * Offsets of the vector constants in the constants block. Kernels load a constant from the block rather than
 * writing it inline: V8 rebuilds an inline v128 constant with three instructions on every loop iteration,
 * where a load is one (measured: e^x 1.7× faster).
 */
export const K_EXP_LOW: u32 = 0;
export const K_EXP_HIGH: u32 = 16;
export const K_LOG2E: u32 = 32;
export const K_ROUND: u32 = 48;
export const K_LN2_HIGH: u32 = 64;
export const K_LN2_LOW: u32 = 80;
export const K_P0: u32 = 96;
export const K_P1: u32 = 112;
export const K_P2: u32 = 128;
export const K_P3: u32 = 144;
export const K_P4: u32 = 160;
export const K_P5: u32 = 176;
export const K_ONE: u32 = 192;
export const K_EXPONENT_BIAS: u32 = 208;
export const K_GELU_A: u32 = 224;
export const K_GELU_B: u32 = 240;
export const K_GELU_DB: u32 = 256;
const CONSTANTS_BYTES: u32 = 272;

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const CUBIC: f32 = 0.044715;

/** Where the constants block is (`setConstants`). */
let constants: usize = 0;

/** Bytes the constants block takes. */
export function constantsBytes(): u32 {
  return CONSTANTS_BYTES;
}

/** Writes the constants block at `base` (caller-allocated, `constantsBytes()` long) and uses it from now on. */
export function setConstants(base: usize): void {
  constants = base;
  put(K_EXP_LOW, -87.33654);
  put(K_EXP_HIGH, 88.37626);
  put(K_LOG2E, <f32>Math.LOG2E);
  put(K_ROUND, 12582912); // 1.5 · 2²³: adding it rounds to an integer kept in the low mantissa bits
  put(K_LN2_HIGH, 0.693359375);
  put(K_LN2_LOW, -2.1219444e-4);
  put(K_P0, 1.98756915e-4);
  put(K_P1, 1.3981999507e-3);
  put(K_P2, 8.3334519073e-3);
  put(K_P3, 4.1665795894e-2);
  put(K_P4, 1.6666665459e-1);
  put(K_P5, 5.0000001201e-1);
  put(K_ONE, 1);
  v128.store(constants + K_EXPONENT_BIAS, i32x4.splat(0x4b400000 - 127));
  put(K_GELU_A, 2 * SQRT_2_OVER_PI);
  put(K_GELU_B, 2 * SQRT_2_OVER_PI * CUBIC);
  put(K_GELU_DB, 6 * SQRT_2_OVER_PI * CUBIC);
}

function put(offset: u32, value: f32): void {
  v128.store(constants + offset, f32x4.splat(value));
}

/**
 * Helpers the kernels call inside their loops, as static methods so that they can carry `@inline` (AssemblyScript
 * inlines them; a call passing v128 values costs more than the arithmetic).
 */
// biome-ignore lint/complexity/noStaticOnlyClass: `@inline` is a decorator, and decorators need a class
export class V {
  /** A vector constant of the block. */
  @inline static k(offset: u32): v128 {
    return v128.load(constants + offset);
  }

  /**
   * e^x on four lanes, Cephes' expf: x = n·ln2 + r with |r| ≤ ln2/2, a degree-6 polynomial for e^r, then the
   * exponent bits for 2^n (n by the round-to-nearest of adding 1.5·2²³). At most 1 ulp from the correctly
   * rounded result over [-87.3, 88.3]; inputs are clamped to that range (the kernels only need it for softmax
   * and sigmoid, where the clamp changes nothing visible).
   */
  @inline static exp(x: v128): v128 {
    x = f32x4.pmin(f32x4.pmax(x, V.k(K_EXP_LOW)), V.k(K_EXP_HIGH));
    const t = f32x4.add(f32x4.mul(x, V.k(K_LOG2E)), V.k(K_ROUND));
    const n = f32x4.sub(t, V.k(K_ROUND));
    let r = f32x4.sub(x, f32x4.mul(n, V.k(K_LN2_HIGH)));
    r = f32x4.sub(r, f32x4.mul(n, V.k(K_LN2_LOW)));
    let p = V.k(K_P0);
    p = f32x4.add(f32x4.mul(p, r), V.k(K_P1));
    p = f32x4.add(f32x4.mul(p, r), V.k(K_P2));
    p = f32x4.add(f32x4.mul(p, r), V.k(K_P3));
    p = f32x4.add(f32x4.mul(p, r), V.k(K_P4));
    p = f32x4.add(f32x4.mul(p, r), V.k(K_P5));
    p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), V.k(K_ONE));
    return f32x4.mul(p, i32x4.shl(i32x4.sub(t, V.k(K_EXPONENT_BIAS)), 23));
  }

  /** Sum of the four lanes, always in the order ((l0 + l1) + l2) + l3. */
  @inline static sum(v: v128): f32 {
    return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
  }

  /**
   * a·b + c per lane. The relaxed-SIMD build fuses it into one multiply-add where the CPU has one (about a third
   * more GEMM throughput on x64 with FMA); the plain build rounds the product first. A build gives the same bits
   * on a given machine at every call, so worker counts still agree bitwise.
   */
  @inline static madd(a: v128, b: v128, c: v128): v128 {
    if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
    return f32x4.add(c, f32x4.mul(a, b));
  }

  /** Largest of the four lanes. */
  @inline static max(v: v128): f32 {
    return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
}

/** Byte address of float element `index` of the array at `base`. */
export function at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}
