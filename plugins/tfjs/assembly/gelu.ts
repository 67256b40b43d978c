// GELU, tanh approximation (GPT-2's), as x·σ(2u) with u = √(2/π)(x + 0.044715x³); ½(1 + tanh u) = σ(2u).

import {at, expv} from './vector-math';

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const CUBIC: f32 = 0.044715;
const TWO_A: f32 = 2 * SQRT_2_OVER_PI;
const TWO_AB: f32 = 2 * SQRT_2_OVER_PI * CUBIC;

function sigmoidTwoU(x: v128): v128 {
  const twoU = f32x4.mul(x, f32x4.add(f32x4.mul(f32x4.mul(x, x), f32x4.splat(TWO_AB)), f32x4.splat(TWO_A)));
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expv(f32x4.neg(twoU))));
}

/** y = gelu(x) for n floats. */
export function geluForward(x: usize, y: usize, n: i32): void {
  const vectorEnd = n & ~3;
  for (let i = 0; i < vectorEnd; i += 4) {
    const v = v128.load(at(x, i));
    v128.store(at(y, i), f32x4.mul(v, sigmoidTwoU(v)));
  }
  tail(x, y, 0, vectorEnd, n, false);
}

/** dx = dy · gelu′(x), gelu′ = σ(2u) + 2x·σ(2u)(1 − σ(2u))·u′, u′ = √(2/π)(1 + 3·0.044715·x²). */
export function geluBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  const vectorEnd = n & ~3;
  for (let i = 0; i < vectorEnd; i += 4) {
    const v = v128.load(at(x, i));
    const s = sigmoidTwoU(v);
    const twoDu = f32x4.add(f32x4.mul(f32x4.mul(v, v), f32x4.splat(3 * TWO_AB)), f32x4.splat(TWO_A));
    const slope = f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(v, s), f32x4.sub(f32x4.splat(1), s)), twoDu));
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
    const s = sigmoidTwoU(xs);
    if (!backward) {
      store<f32>(at(a, i), f32x4.extract_lane(f32x4.mul(xs, s), 0));
    } else {
      const twoDu = f32x4.add(f32x4.mul(f32x4.mul(xs, xs), f32x4.splat(3 * TWO_AB)), f32x4.splat(TWO_A));
      const slope = f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(xs, s), f32x4.sub(f32x4.splat(1), s)), twoDu));
      store<f32>(at(b, i), f32x4.extract_lane(f32x4.mul(gs, slope), 0));
    }
  }
}
