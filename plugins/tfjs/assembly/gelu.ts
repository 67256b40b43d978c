// GELU, tanh approximation (GPT-2's), as x·σ(2u) with u = √(2/π)(x + 0.044715x³); ½(1 + tanh u) = σ(2u).

import {at, K_GELU_A, K_GELU_B, K_GELU_DB, K_ONE, V} from './vector-math';

// biome-ignore lint/complexity/noStaticOnlyClass: `@inline` is a decorator, and decorators need a class
class Gelu {
  /** σ(2u) on four lanes. */
  @inline static sigmoidTwoU(x: v128): v128 {
    const twoU = f32x4.mul(x, f32x4.add(f32x4.mul(f32x4.mul(x, x), V.k(K_GELU_B)), V.k(K_GELU_A)));
    return f32x4.div(V.k(K_ONE), f32x4.add(V.k(K_ONE), V.exp(f32x4.neg(twoU))));
  }
}

/** y = gelu(x) for n floats. */
export function geluForward(x: usize, y: usize, n: i32): void {
  const vectorEnd = n & ~3;
  for (let i = 0; i < vectorEnd; i += 4) {
    const v = v128.load(at(x, i));
    v128.store(at(y, i), f32x4.mul(v, Gelu.sigmoidTwoU(v)));
  }
  tail(x, y, 0, vectorEnd, n, false);
}

/** dx = dy · gelu′(x), gelu′ = σ(2u) + 2x·σ(2u)(1 − σ(2u))·u′, u′ = √(2/π)(1 + 3·0.044715·x²). */
export function geluBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  const vectorEnd = n & ~3;
  for (let i = 0; i < vectorEnd; i += 4) {
    const v = v128.load(at(x, i));
    const s = Gelu.sigmoidTwoU(v);
    const twoDu = f32x4.add(f32x4.mul(f32x4.mul(v, v), V.k(K_GELU_DB)), V.k(K_GELU_A));
    const slope = f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(v, s), f32x4.sub(V.k(K_ONE), s)), twoDu));
    v128.store(at(dx, i), f32x4.mul(v128.load(at(dy, i)), slope));
  }
  tail(x, dy, dx, vectorEnd, n, true);
}

/** The last n % 4 elements, through the same vector code on a zero-padded copy. */
function tail(x: usize, a: usize, b: usize, from: i32, n: i32, backward: bool): void {
  if (from >= n) return;
  let xs = f32x4.splat(0);
  let gs = f32x4.splat(0);
  for (let i = from; i < n; i++) {
    xs = f32x4.replace_lane(xs, 0, load<f32>(at(x, i)));
    if (backward) gs = f32x4.replace_lane(gs, 0, load<f32>(at(a, i)));
    const s = Gelu.sigmoidTwoU(xs);
    if (!backward) {
      store<f32>(at(a, i), f32x4.extract_lane(f32x4.mul(xs, s), 0));
    } else {
      const twoDu = f32x4.add(f32x4.mul(f32x4.mul(xs, xs), V.k(K_GELU_DB)), V.k(K_GELU_A));
      const slope = f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(xs, s), f32x4.sub(V.k(K_ONE), s)), twoDu));
      store<f32>(at(b, i), f32x4.extract_lane(f32x4.mul(gs, slope), 0));
    }
  }
}
