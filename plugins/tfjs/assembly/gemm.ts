// C = op(A)·op(B) [+ bias] on row-major float32 matrices in the shared heap.
//
// Blocked like BLIS: B is packed per (KC × NC) block into 8-column micro-panels laid out contiguously, and a
// 4 × 8 register tile of C accumulates over k with splatted A values. Each element of C is summed over k in
// increasing order, starting from the bias (or zero, or C itself when accumulating), whatever M, N and the
// blocking: the same inputs always give the same bits, and no result depends on how many rows a call covers.

import {V, at} from './vector-math';

const KC: i32 = 256;
const NC: i32 = 512;
const PACK_BYTES: usize = (<usize>(KC * NC)) << 2;
/** A 4 × 8 staging tile for partial tiles at the matrix edges. */
const TILE_BYTES: usize = 4 * 8 * 4;

/** Triangular structure a caller can declare so that work known to give zeros (or to be ignored) is skipped. */
export const TRIANGLE_NONE: i32 = 0;
/** Only C[i][j] with j ≤ i is needed; tiles entirely above the diagonal are not computed (left as they were). */
export const TRIANGLE_LOWER_OUT: i32 = 1;
/** op(A)[i][k] is zero for k > i: the k loop of a row tile stops at its last row. */
export const TRIANGLE_LOWER_A: i32 = 2;
/** op(A)[i][k] is zero for k < i: the k loop of a row tile starts at its first row. */
export const TRIANGLE_UPPER_A: i32 = 3;

/** Bytes of scratch a `gemm` call needs (the packed B block and an edge tile). */
export function gemmWorkBytes(): usize {
  return PACK_BYTES + TILE_BYTES;
}

/**
 * C[M×N] (row stride ldc) = op(A)[M×K] · op(B)[K×N] + bias.
 * transA: A is stored K × M (lda), else M × K. transB: B is stored N × K (ldb), else K × N.
 * bias: pointer to N floats added to every row, or 0. accumulate: add to C instead of overwriting it (then
 * bias is ignored). triangle: one of the TRIANGLE_* constants. work: `gemmWorkBytes()` bytes of scratch.
 */
export function gemm(
  a: usize,
  lda: i32,
  transA: bool,
  b: usize,
  ldb: i32,
  transB: bool,
  c: usize,
  ldc: i32,
  M: i32,
  N: i32,
  K: i32,
  bias: usize,
  accumulate: bool,
  triangle: i32,
  work: usize,
): void {
  const tile = work + PACK_BYTES;
  const blocks = K > 0 ? K : 1;
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let k0 = 0; k0 < blocks; k0 += KC) {
      const kc = max(0, min(KC, K - k0));
      packB(b, ldb, transB, k0, kc, j0, nc, N, work);
      for (let i = 0; i < M; i += 4) {
        let kLo = 0;
        let kHi = K;
        if (triangle === TRIANGLE_LOWER_A) kHi = min(K, i + 4);
        else if (triangle === TRIANGLE_UPPER_A) kLo = i;
        let from: i32;
        let to: i32;
        let init: bool;
        if (kLo >= kHi) {
          // Nothing to sum: the first block writes the initial value.
          if (k0 !== 0) continue;
          from = 0;
          to = 0;
          init = true;
        } else {
          if (k0 + kc <= kLo || k0 >= kHi) continue;
          from = max(k0, kLo);
          to = min(k0 + kc, kHi);
          init = k0 === kLo - (kLo % KC);
        }
        let panels = nc;
        if (triangle === TRIANGLE_LOWER_OUT) panels = min(nc, i + 4 - j0);
        for (let p = 0; p < panels; p += 8) {
          const packed = work + ((<usize>(p >> 3) * <usize>kc + <usize>(from - k0)) << 5);
          microTile(a, lda, transA, c, ldc, M, N, i, j0 + p, from, to, packed, bias, init && !accumulate, tile);
        }
      }
    }
  }
}

/** Copies B[k0 .. k0+kc) × [j0 .. j0+nc) into 8-wide micro-panels (kc rows of 8 floats each), zero-padded. */
function packB(b: usize, ldb: i32, transB: bool, k0: i32, kc: i32, j0: i32, nc: i32, N: i32, dst: usize): void {
  const panels = (nc + 7) >> 3;
  for (let p = 0; p < panels; p++) {
    const j = j0 + (p << 3);
    const valid = min(8, N - j);
    let out = dst + ((<usize>p * <usize>kc) << 5);
    if (!transB) {
      let src = at(b, k0 * ldb + j);
      const step = (<usize>ldb) << 2;
      if (valid === 8) {
        for (let k = 0; k < kc; k++) {
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
          out += 32;
          src += step;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let q = 0; q < 8; q++) store<f32>(out + ((<usize>q) << 2), q < valid ? load<f32>(src + ((<usize>q) << 2)) : 0);
          out += 32;
          src += step;
        }
      }
    } else {
      // B stored N × K: element (k, j) is b[j·ldb + k]. Full panels go four k at a time, a 4 × 4 transpose of
      // each half of the eight rows; the rest one element at a time.
      let k = 0;
      if (valid === 8) {
        const row = at(b, j * ldb + k0);
        const step = (<usize>ldb) << 2;
        for (; k + 4 <= kc; k += 4) {
          const p = row + ((<usize>k) << 2);
          transposeStore(v128.load(p), v128.load(p + step), v128.load(p + 2 * step), v128.load(p + 3 * step), out);
          transposeStore(v128.load(p + 4 * step), v128.load(p + 5 * step), v128.load(p + 6 * step), v128.load(p + 7 * step), out + 16);
          out += 128;
        }
      }
      for (; k < kc; k++) {
        for (let q = 0; q < 8; q++) store<f32>(out + ((<usize>q) << 2), q < valid ? load<f32>(at(b, (j + q) * ldb + k0 + k)) : 0);
        out += 32;
      }
    }
  }
}

/** Rows r0..r3 (four k each) → four k rows of four columns, at `out`, `out + 32`, `out + 64`, `out + 96`. */
function transposeStore(r0: v128, r1: v128, r2: v128, r3: v128, out: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(out, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 32);
  v128.store(out, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 64);
  v128.store(out, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 96);
}

/** One 4 × 8 tile of C at (i, j): k from `from` to `to` over the packed panel. */
function microTile(
  a: usize,
  lda: i32,
  transA: bool,
  c: usize,
  ldc: i32,
  M: i32,
  N: i32,
  i: i32,
  j: i32,
  from: i32,
  to: i32,
  packed: usize,
  bias: usize,
  init: bool,
  tile: usize,
): void {
  const rows = min(4, M - i);
  const columns = min(8, N - j);
  const full = rows === 4 && columns === 8;
  const pc = at(c, i * ldc + j);
  const sc = (<usize>ldc) << 2;
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  if (init) {
    if (bias !== 0) {
      let b0: v128;
      let b1: v128;
      if (columns === 8) {
        b0 = v128.load(at(bias, j));
        b1 = v128.load(at(bias, j + 4));
      } else {
        for (let q = 0; q < 8; q++) store<f32>(tile + ((<usize>q) << 2), q < columns ? load<f32>(at(bias, j + q)) : 0);
        b0 = v128.load(tile);
        b1 = v128.load(tile, 16);
      }
      c00 = b0;
      c01 = b1;
      c10 = b0;
      c11 = b1;
      c20 = b0;
      c21 = b1;
      c30 = b0;
      c31 = b1;
    }
  } else if (full) {
    c00 = v128.load(pc);
    c01 = v128.load(pc, 16);
    c10 = v128.load(pc + sc);
    c11 = v128.load(pc + sc, 16);
    c20 = v128.load(pc + 2 * sc);
    c21 = v128.load(pc + 2 * sc, 16);
    c30 = v128.load(pc + 3 * sc);
    c31 = v128.load(pc + 3 * sc, 16);
  } else {
    for (let r = 0; r < 4; r++) {
      for (let q = 0; q < 8; q++) {
        const value: f32 = r < rows && q < columns ? load<f32>(pc + <usize>r * sc + ((<usize>q) << 2)) : 0;
        store<f32>(tile + ((<usize>(r * 8 + q)) << 2), value);
      }
    }
    c00 = v128.load(tile);
    c01 = v128.load(tile, 16);
    c10 = v128.load(tile, 32);
    c11 = v128.load(tile, 48);
    c20 = v128.load(tile, 64);
    c21 = v128.load(tile, 80);
    c30 = v128.load(tile, 96);
    c31 = v128.load(tile, 112);
  }
  // Rows past M read the last row again (in bounds); their results are never stored.
  const r1 = min(i + 1, M - 1);
  const r2 = min(i + 2, M - 1);
  const r3 = min(i + 3, M - 1);
  let p0: usize;
  let p1: usize;
  let p2: usize;
  let p3: usize;
  let step: usize;
  if (transA) {
    p0 = at(a, from * lda + i);
    p1 = at(a, from * lda + r1);
    p2 = at(a, from * lda + r2);
    p3 = at(a, from * lda + r3);
    step = (<usize>lda) << 2;
  } else {
    p0 = at(a, i * lda + from);
    p1 = at(a, r1 * lda + from);
    p2 = at(a, r2 * lda + from);
    p3 = at(a, r3 * lda + from);
    step = 4;
  }
  let pb = packed;
  for (let k = from; k < to; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(p0);
    const a1 = v128.load32_splat(p1);
    const a2 = v128.load32_splat(p2);
    const a3 = v128.load32_splat(p3);
    c00 = V.madd(a0, b0, c00);
    c01 = V.madd(a0, b1, c01);
    c10 = V.madd(a1, b0, c10);
    c11 = V.madd(a1, b1, c11);
    c20 = V.madd(a2, b0, c20);
    c21 = V.madd(a2, b1, c21);
    c30 = V.madd(a3, b0, c30);
    c31 = V.madd(a3, b1, c31);
    p0 += step;
    p1 += step;
    p2 += step;
    p3 += step;
    pb += 32;
  }
  if (full) {
    v128.store(pc, c00);
    v128.store(pc, c01, 16);
    v128.store(pc + sc, c10);
    v128.store(pc + sc, c11, 16);
    v128.store(pc + 2 * sc, c20);
    v128.store(pc + 2 * sc, c21, 16);
    v128.store(pc + 3 * sc, c30);
    v128.store(pc + 3 * sc, c31, 16);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < columns; q++) store<f32>(pc + <usize>r * sc + ((<usize>q) << 2), load<f32>(tile + ((<usize>(r * 8 + q)) << 2)));
  }
}
