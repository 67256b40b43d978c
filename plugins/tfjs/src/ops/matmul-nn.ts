import * as tf from '@tensorflow/tfjs';
import {useJsKernels} from './kernel-policy.js';
import {transpose2d} from './transpose-2d.js';

/**
 * a [m, k] · b [k, n] whose gradients are also plain (non-transposed) matmuls: da = dy · bᵀ and db = aᵀ · dy
 * with the transposes done explicitly (in JavaScript, `transpose2d`). On the wasm backend only a non-transposed, non-batched matmul takes
 * XNNPACK's path; the transposed products tfjs' own gradient uses run about 15× slower there. Native
 * backends keep tfjs' gradient.
 */
export function matMulNN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (!useJsKernels()) return tf.matMul(a, b);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [tf.matMul(dy as tf.Tensor2D, transpose2d(sw)), tf.matMul(transpose2d(sx), dy as tf.Tensor2D)];
      },
    };
  });
  return op(a, b) as tf.Tensor2D;
}

/**
 * a [m, k] · bᵀ for b [n, k] (the tied output projection) with the same rule: the forward transposes b,
 * the gradients are da = dy · b and db = (aᵀ · dy)ᵀ, transposing the two small operands rather than dy.
 */
export function matMulNT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (!useJsKernels()) return tf.matMul(a, b, false, true);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, w]);
    const wT = transpose2d(w);
    const value = tf.matMul(x, wT);
    wT.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [tf.matMul(dy as tf.Tensor2D, sw), transpose2d(tf.matMul(transpose2d(sx), dy as tf.Tensor2D))];
      },
    };
  });
  return op(a, b) as tf.Tensor2D;
}
