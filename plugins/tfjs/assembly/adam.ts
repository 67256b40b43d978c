// The Adam update of one parameter tensor in one pass (what tfjs would do in ten elementwise kernels).

import {at} from './vector-math';

/**
 * For n floats: p′ = p·decay; m′ = m·β1 + g·(1 − β1); v′ = v·β2 + g²·(1 − β2);
 * out = p′ − (m′ / (√v′ / c2 + ε))·stepSize — each operation rounded to float32 in this order, as the
 * elementwise tensor ops compute it. `decay` is 1 − lr·weightDecay (AdamW) or 1.
 */
export function adamUpdate(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  outP: usize,
  outM: usize,
  outV: usize,
  n: i32,
  decay: f32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  c2: f32,
  epsilon: f32,
  stepSize: f32,
): void {
  const d4 = f32x4.splat(decay);
  const b1 = f32x4.splat(beta1);
  const ob1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const ob2 = f32x4.splat(oneMinusBeta2);
  const c4 = f32x4.splat(c2);
  const e4 = f32x4.splat(epsilon);
  const s4 = f32x4.splat(stepSize);
  const vectorEnd = n & ~3;
  for (let i = 0; i < vectorEnd; i += 4) {
    const gi = v128.load(at(g, i));
    const mi = f32x4.add(f32x4.mul(v128.load(at(m, i)), b1), f32x4.mul(gi, ob1));
    const vi = f32x4.add(f32x4.mul(v128.load(at(v, i)), b2), f32x4.mul(f32x4.mul(gi, gi), ob2));
    const denominator = f32x4.add(f32x4.div(f32x4.sqrt(vi), c4), e4);
    const pi = f32x4.mul(v128.load(at(p, i)), d4);
    v128.store(at(outP, i), f32x4.sub(pi, f32x4.mul(f32x4.div(mi, denominator), s4)));
    v128.store(at(outM, i), mi);
    v128.store(at(outV, i), vi);
  }
  for (let i = vectorEnd; i < n; i++) {
    const gi = load<f32>(at(g, i));
    const mi = load<f32>(at(m, i)) * beta1 + gi * oneMinusBeta1;
    const vi = load<f32>(at(v, i)) * beta2 + gi * gi * oneMinusBeta2;
    const denominator = Mathf.sqrt(vi) / c2 + epsilon;
    store<f32>(at(outP, i), load<f32>(at(p, i)) * decay - (mi / denominator) * stepSize);
    store<f32>(at(outM, i), mi);
    store<f32>(at(outV, i), vi);
  }
}
