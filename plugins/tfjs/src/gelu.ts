import * as tf from '@tensorflow/tfjs';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

/**
 * GELU, tanh approximation (as GPT-2), with a hand-written gradient that reuses the forward `tanh` instead of
 * differentiating the polynomial op by op.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const squared = tf.square(input);
    const inner = tf.mul(tf.mul(input, tf.add(tf.mul(squared, CUBIC), 1)), SQRT_2_OVER_PI);
    const t = tf.tanh(inner);
    const half = tf.mul(tf.add(t, 1), 0.5);
    save([input, squared, t, half]);
    return {
      value: tf.mul(input, half),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [v, sq, th, h] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        // d/dx = ½(1+t) + ½x(1−t²)·√(2/π)(1 + 3c·x²)
        const dInner = tf.mul(tf.add(tf.mul(sq, 3 * CUBIC), 1), 0.5 * SQRT_2_OVER_PI);
        const local = tf.add(h, tf.mul(tf.mul(v, tf.sub(1, tf.square(th))), dInner));
        return [tf.mul(dy, local)];
      },
    };
  });
  return op(x) as tf.Tensor;
}
