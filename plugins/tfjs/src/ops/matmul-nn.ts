import * as tf from '@tensorflow/tfjs';
import {simdColumnSums, simdMatMul} from '../kernels/simd-ops.js';
import {kernelPath} from './kernel-policy.js';
import {transpose2d} from './transpose-2d.js';

/**
 * a [m, k] · b [k, n] whose gradients are also plain (non-transposed) matmuls: da = dy · bᵀ and db = aᵀ · dy
 * with the transposes done explicitly (in JavaScript, `transpose2d`). On the wasm backend only a non-transposed, non-batched matmul takes
 * XNNPACK's path; the transposed products tfjs' own gradient uses run about 15× slower there. Native
 * backends keep tfjs' gradient.
 */
export function matMulNN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const path = kernelPath();
  if (path === 'tensor') return tf.matMul(a, b);
  if (path === 'simd') return matMulSimd(a, b);
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
 * x · W + bias, the linear layer, with `matMulNN`'s gradients and the bias gradient (column sums of dy)
 * computed in JavaScript: tfjs reduces a broadcast add's gradient over axis 0 by transposing dy first.
 */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const path = kernelPath();
  if (path === 'tensor') return tf.add(tf.matMul(x, weight), bias);
  if (path === 'simd') return linearSimd(x, weight, bias);
  const [rows] = x.shape;
  const columns = weight.shape[1];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([input, w]);
    return {
      value: tf.add(tf.matMul(input, w), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = dy.dataSync() as Float32Array;
        const sums = new Float64Array(columns);
        for (let r = 0; r < rows; r++) {
          const base = r * columns;
          for (let c = 0; c < columns; c++) sums[c] = (sums[c] as number) + (g[base + c] as number);
        }
        return [
          tf.matMul(dy as tf.Tensor2D, transpose2d(sw)),
          tf.matMul(transpose2d(sx), dy as tf.Tensor2D),
          tf.tensor1d(Float32Array.from(sums)),
        ];
      },
    };
  });
  return op(x, weight, bias) as tf.Tensor2D;
}

/**
 * a [m, k] · bᵀ for b [n, k] (the tied output projection) with the same rule: the forward transposes b,
 * the gradients are da = dy · b and db = (aᵀ · dy)ᵀ, transposing the two small operands rather than dy.
 */
export function matMulNT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const path = kernelPath();
  if (path === 'tensor') return tf.matMul(a, b, false, true);
  if (path === 'simd') return matMulNTSimd(a, b);
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

// The SIMD path: the blocked GEMM reads transposed operands in place, so every gradient is one product and no
// transpose is materialised; the bias rides in the GEMM's accumulator initialisation.

function matMulSimd(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: simdMatMul(x, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [simdMatMul(dy as tf.Tensor2D, sw, false, true), simdMatMul(sx, dy as tf.Tensor2D, true, false)];
      },
    };
  });
  return op(a, b) as tf.Tensor2D;
}

function linearSimd(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([input, w]);
    return {
      value: simdMatMul(input, w, false, false, b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = dy as tf.Tensor2D;
        return [simdMatMul(g, sw, false, true), simdMatMul(sx, g, true, false), simdColumnSums(g)];
      },
    };
  });
  return op(x, weight, bias) as tf.Tensor2D;
}

function matMulNTSimd(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: simdMatMul(x, w, false, true),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = dy as tf.Tensor2D;
        return [simdMatMul(g, sw), simdMatMul(g, sx, true, false)];
      },
    };
  });
  return op(a, b) as tf.Tensor2D;
}
