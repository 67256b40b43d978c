// Row softmax: the probabilities of a row, plus what a log-softmax needs.

import {at, V} from './vector-math';

/**
 * One row of `n` scores at `x` (each multiplied by `scale`) → probabilities at `y` (may equal x). Returns the
 * sum of e^(scale·x − max), and leaves max in the first float of `scratch`. Elements past `n` are untouched.
 */
export function softmaxRow(x: usize, y: usize, n: i32, scale: f32, scratch: usize): f32 {
  const vectorEnd = n & ~3;
  const s4 = f32x4.splat(scale);
  let m4 = f32x4.splat(-Infinity);
  for (let j = 0; j < vectorEnd; j += 4) m4 = f32x4.pmax(m4, f32x4.mul(v128.load(at(x, j)), s4));
  let maximum = V.max(m4);
  for (let j = vectorEnd; j < n; j++) maximum = max(maximum, load<f32>(at(x, j)) * scale);
  const max4 = f32x4.splat(maximum);
  let sum4 = f32x4.splat(0);
  for (let j = 0; j < vectorEnd; j += 4) {
    const e = V.exp(f32x4.sub(f32x4.mul(v128.load(at(x, j)), s4), max4));
    v128.store(at(y, j), e);
    sum4 = f32x4.add(sum4, e);
  }
  let sum = V.sum(sum4);
  for (let j = vectorEnd; j < n; j++) {
    const e = f32x4.extract_lane(V.exp(f32x4.splat(load<f32>(at(x, j)) * scale - maximum)), 0);
    store<f32>(at(y, j), e);
    sum += e;
  }
  const inverse = f32x4.splat(<f32>1 / sum);
  for (let j = 0; j < vectorEnd; j += 4) v128.store(at(y, j), f32x4.mul(v128.load(at(y, j)), inverse));
  const scalarInverse: f32 = <f32>1 / sum;
  for (let j = vectorEnd; j < n; j++) store<f32>(at(y, j), load<f32>(at(y, j)) * scalarInverse);
  store<f32>(scratch, maximum);
  return sum;
}

/**
 * Softmax of every row of logits [rows × n] into probs, and per row (max, Σ e^(x − max), x[target]) into
 * stats [rows × 3], from which the caller takes the cross-entropy max + ln Σ − x[target] in float64 — exact even
 * where the target's probability underflows. targets: int32 [rows]; an out-of-range target gives NaN.
 */
export function softmaxCrossEntropy(logits: usize, targets: usize, probs: usize, stats: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = at(logits, r * n);
    const target = load<i32>(at(targets, r));
    const picked: f32 = target >= 0 && target < n ? load<f32>(at(row, target)) : NaN;
    const sum = softmaxRow(row, at(probs, r * n), n, 1, at(stats, 3 * r));
    store<f32>(at(stats, 3 * r + 1), sum);
    store<f32>(at(stats, 3 * r + 2), picked);
  }
}

/** dlogits = (probs − onehot(targets)) · scale, for rows × n; targets are int32 (out-of-range: no one-hot). */
export function crossEntropyBackward(probs: usize, targets: usize, dlogits: usize, rows: i32, n: i32, scale: f32): void {
  const s4 = f32x4.splat(scale);
  const vectorEnd = n & ~3;
  for (let r = 0; r < rows; r++) {
    const p = at(probs, r * n);
    const g = at(dlogits, r * n);
    for (let j = 0; j < vectorEnd; j += 4) v128.store(at(g, j), f32x4.mul(v128.load(at(p, j)), s4));
    for (let j = vectorEnd; j < n; j++) store<f32>(at(g, j), load<f32>(at(p, j)) * scale);
    const target = load<i32>(at(targets, r));
    if (target >= 0 && target < n) store<f32>(at(g, target), (load<f32>(at(p, target)) - 1) * scale);
  }
}
