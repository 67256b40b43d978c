import * as tf from '@tensorflow/tfjs';
import {simdGelu, simdGeluGrad} from '../kernels/simd-ops.js';
import {kernelPath} from './kernel-policy.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

/**
 * GELU, tanh approximation (as GPT-2), written as x·σ(2u) with u = √(2/π)(x + 0.044715x³) — the same function,
 * since ½(1 + tanh u) = σ(2u) — because the backends' sigmoid is vectorised while wasm's tanh is scalar and
 * about ten times slower. The hand-written gradient reuses σ:
 * d/dx = σ(2u) + 2x·σ(2u)(1 − σ(2u))·u′,  u′ = √(2/π)(1 + 3·0.044715·x²).
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (kernelPath() === 'simd') return geluSimd(x);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const squared = tf.square(input);
    const twoU = tf.mul(input, tf.add(tf.mul(squared, 2 * SQRT_2_OVER_PI * CUBIC), 2 * SQRT_2_OVER_PI));
    const s = tf.sigmoid(twoU);
    save([input, squared, s]);
    return {
      value: tf.mul(input, s),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [v, sq, sig] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const twoDu = tf.add(tf.mul(sq, 6 * SQRT_2_OVER_PI * CUBIC), 2 * SQRT_2_OVER_PI);
        return [tf.mul(dy, tf.add(sig, tf.mul(tf.mul(tf.mul(v, sig), tf.sub(1, sig)), twoDu)))];
      },
    };
  });
  return op(x) as tf.Tensor;
}

/** One kernel each way (σ by a vectorised exp); the backward recomputes σ(2u) from x instead of saving it. */
function geluSimd(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([input]);
    return {
      value: simdGelu(input),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [simdGeluGrad(saved[0] as tf.Tensor, dy)],
    };
  });
  return op(x) as tf.Tensor;
}
