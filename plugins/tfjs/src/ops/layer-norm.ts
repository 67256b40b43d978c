import * as tf from '@tensorflow/tfjs';
import {simdLayerNorm, simdLayerNormGrad} from '../kernels/simd-ops.js';
import {kernelPath} from './kernel-policy.js';

const EPSILON = 1e-5;

/**
 * Layer normalisation over the last axis of x [rows, d] with a hand-written gradient:
 * dx = rstd · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat)), dxhat = dy · γ — about half the kernels
 * autodiff would record. (A fused JavaScript loop was measured slower than these vectorised wasm kernels.) With
 * the SIMD kernels, forward and backward are one kernel each, keeping only per-row (mean, rstd).
 */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  return kernelPath() === 'simd' ? layerNormSimd(x, gamma, beta) : layerNormTensor(x, gamma, beta);
}

function layerNormSimd(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, g, b, save] = args as [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [value, stats] = simdLayerNorm(input, g, b);
    save([input, g, stats]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, st] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return simdLayerNormGrad(dy, sx, sg, st);
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

function layerNormTensor(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean(input, -1, true);
    const centred = tf.sub(input, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    const rstd = tf.rsqrt(tf.add(variance, EPSILON));
    const normalised = tf.mul(centred, rstd);
    save([normalised, rstd, g]);
    return {
      value: tf.add(tf.mul(normalised, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xhat, r, gain] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dxhat = tf.mul(dy, gain);
        const dx = tf.mul(r, tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(xhat, tf.mean(tf.mul(dxhat, xhat), -1, true))));
        return [dx, tf.sum(tf.mul(dy, xhat), 0), tf.sum(dy, 0)];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}
