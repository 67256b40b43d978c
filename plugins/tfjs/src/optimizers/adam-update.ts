import * as tf from '@tensorflow/tfjs';
import {simdAdamUpdate} from '../kernels/simd-ops.js';
import {kernelPath} from '../ops/kernel-policy.js';

/**
 * Moments and parameter step of Adam, shared by `adam` and `adamw` (which differ only in weight decay): the
 * parameter is first multiplied by `decay` (AdamW's 1 − lr·wd; 1 for none). On the SIMD kernels the whole
 * update is one pass, with every operation rounded to float32 as the tensor ops below round it.
 */
export function adamUpdate(
  param: tf.Tensor,
  grad: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  lr: number,
  step: number,
  hyper: Readonly<Record<string, number>>,
  decay = 1,
): {value: tf.Tensor; m: tf.Tensor; v: tf.Tensor} {
  const beta1 = hyper['beta1'] as number;
  const beta2 = hyper['beta2'] as number;
  const epsilon = hyper['epsilon'] as number;
  if (kernelPath() === 'simd') {
    const [value, m1, v1] = simdAdamUpdate(param, grad, m, v, {
      decay,
      beta1,
      oneMinusBeta1: 1 - beta1,
      beta2,
      oneMinusBeta2: 1 - beta2,
      c2: Math.sqrt(1 - beta2 ** step),
      epsilon,
      stepSize: lr / (1 - beta1 ** step),
    });
    return {value, m: m1, v: v1};
  }
  if (decay !== 1) param = tf.mul(param, decay);
  const m1 = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
  const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
  // PyTorch's form: p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε). Corrections computed in float64.
  const correction1 = 1 - beta1 ** step;
  const correction2 = Math.sqrt(1 - beta2 ** step);
  const denominator = tf.add(tf.div(tf.sqrt(v1), correction2), epsilon);
  const value = tf.sub(param, tf.mul(tf.div(m1, denominator), lr / correction1));
  return {value, m: m1, v: v1};
}
