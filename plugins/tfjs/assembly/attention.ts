// Causal multi-head self-attention on the fused [batch·time, 3·d] q|k|v layout, forward and backward, one
// (batch, head) at a time through the blocked gemm with triangular skipping.

import {gemm, TRIANGLE_LOWER_A, TRIANGLE_LOWER_OUT, TRIANGLE_UPPER_A} from './gemm';
import {softmaxRow} from './softmax';
import {at, V} from './vector-math';

/**
 * out [batch·time, d] = softmax(q·kᵀ·scale + causal mask)·v per head; probs [batch, heads, time, time] keeps the
 * probabilities (zero above the diagonal) for the backward pass.
 */
export function attentionForward(
  qkv: usize,
  out: usize,
  probs: usize,
  batch: i32,
  time: i32,
  heads: i32,
  headSize: i32,
  scale: f32,
  work: usize,
  scratch: usize,
): void {
  const d = heads * headSize;
  const stride = 3 * d;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const q = at(qkv, b * time * stride + h * headSize);
      const k = at(q, d);
      const v = at(q, 2 * d);
      const p = at(probs, (b * heads + h) * time * time);
      gemm(q, stride, false, k, stride, true, p, time, time, time, headSize, 0, false, TRIANGLE_LOWER_OUT, work);
      for (let i = 0; i < time; i++) {
        const row = at(p, i * time);
        softmaxRow(row, row, i + 1, scale, scratch);
        memory.fill(at(row, i + 1), 0, (<usize>(time - i - 1)) << 2);
      }
      gemm(
        p,
        time,
        false,
        v,
        stride,
        false,
        at(out, b * time * d + h * headSize),
        d,
        time,
        headSize,
        time,
        0,
        false,
        TRIANGLE_LOWER_A,
        work,
      );
    }
  }
}

/**
 * dqkv [batch·time, 3·d] from dout [batch·time, d]: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − Σⱼ P·dP)·scale,
 * dQ = dS·K, dK = dSᵀ·Q. `ds` holds time × time floats.
 */
export function attentionBackward(
  qkv: usize,
  probs: usize,
  dout: usize,
  dqkv: usize,
  batch: i32,
  time: i32,
  heads: i32,
  headSize: i32,
  scale: f32,
  work: usize,
  ds: usize,
): void {
  const d = heads * headSize;
  const stride = 3 * d;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const q = at(qkv, b * time * stride + h * headSize);
      const k = at(q, d);
      const v = at(q, 2 * d);
      const p = at(probs, (b * heads + h) * time * time);
      const dO = at(dout, b * time * d + h * headSize);
      const dq = at(dqkv, b * time * stride + h * headSize);
      const dk = at(dq, d);
      const dv = at(dq, 2 * d);
      gemm(p, time, true, dO, d, false, dv, stride, time, headSize, time, 0, false, TRIANGLE_UPPER_A, work);
      gemm(dO, d, false, v, stride, true, ds, time, time, time, headSize, 0, false, TRIANGLE_LOWER_OUT, work);
      for (let i = 0; i < time; i++) softmaxBackwardRow(at(p, i * time), at(ds, i * time), i + 1, time, scale);
      gemm(ds, time, false, k, stride, false, dq, stride, time, headSize, time, 0, false, TRIANGLE_LOWER_A, work);
      gemm(ds, time, true, q, stride, false, dk, stride, time, headSize, time, 0, false, TRIANGLE_UPPER_A, work);
    }
  }
}

/** In place: row of dP → dS over the first `n` entries, zeros up to `width`. */
function softmaxBackwardRow(p: usize, g: usize, n: i32, width: i32, scale: f32): void {
  const vectorEnd = n & ~3;
  let w4 = f32x4.splat(0);
  for (let j = 0; j < vectorEnd; j += 4) w4 = f32x4.add(w4, f32x4.mul(v128.load(at(p, j)), v128.load(at(g, j))));
  let weighted = V.sum(w4);
  for (let j = vectorEnd; j < n; j++) weighted += load<f32>(at(p, j)) * load<f32>(at(g, j));
  const weighted4 = f32x4.splat(weighted);
  const s4 = f32x4.splat(scale);
  for (let j = 0; j < vectorEnd; j += 4) {
    v128.store(at(g, j), f32x4.mul(f32x4.mul(v128.load(at(p, j)), f32x4.sub(v128.load(at(g, j)), weighted4)), s4));
  }
  for (let j = vectorEnd; j < n; j++) store<f32>(at(g, j), load<f32>(at(p, j)) * (load<f32>(at(g, j)) - weighted) * scale);
  memory.fill(at(g, n), 0, (<usize>(width - n)) << 2);
}
