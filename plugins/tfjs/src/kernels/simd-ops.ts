import * as tf from '@tensorflow/tfjs';
import {SimdKernel} from './simd-kernels.js';

// Typed entry points to the SIMD kernels (wasm backend, after `registerSimdKernels`). No gradients here: the
// model's ops (`../ops/`) pair forward and backward kernels in custom gradients.

/** op(a) · op(b) (+ bias), 2-D float32. */
export function simdMatMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false, bias?: tf.Tensor1D): tf.Tensor2D {
  const inputs: tf.NamedTensorMap = bias ? {a, b, bias} : {a, b};
  return tf.engine().runKernel(SimdKernel.matMul, inputs, {transposeA: transposeA ? 1 : 0, transposeB: transposeB ? 1 : 0});
}

/** Layer norm of x [rows, d]: the output and per-row (mean, rstd). */
export function simdLayerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] {
  return tf.engine().runKernel(SimdKernel.layerNorm, {x, gamma, beta});
}

/** [dx, dgamma, dbeta] of a layer norm. */
export function simdLayerNormGrad(
  dy: tf.Tensor,
  x: tf.Tensor,
  gamma: tf.Tensor,
  stats: tf.Tensor,
): [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(SimdKernel.layerNormGrad, {dy, x, gamma, stats});
}

export function simdGelu(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(SimdKernel.gelu, {x});
}

export function simdGeluGrad(x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(SimdKernel.geluGrad, {x, dy});
}

/** Softmax of logits [rows, n] and per row (max, Σ e^(x − max), x[target]). */
export function simdSoftmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): [tf.Tensor2D, tf.Tensor2D] {
  return tf.engine().runKernel(SimdKernel.softmaxCrossEntropy, {logits, targets});
}

/** (probs − onehot(targets)) · scale. */
export function simdCrossEntropyGrad(probs: tf.Tensor, targets: tf.Tensor, scale: number): tf.Tensor2D {
  return tf.engine().runKernel(SimdKernel.crossEntropyGrad, {probs, targets}, {scale});
}

export interface AttentionLayout {
  readonly batch: number;
  readonly time: number;
  readonly heads: number;
}

/** Mixed values [batch·time, d] and the attention probabilities, from qkv [batch·time, 3·d]. */
export function simdCausalAttention(qkv: tf.Tensor2D, layout: AttentionLayout): [tf.Tensor2D, tf.Tensor1D] {
  return tf.engine().runKernel(SimdKernel.causalAttention, {qkv}, {...layout});
}

export function simdCausalAttentionGrad(qkv: tf.Tensor, probs: tf.Tensor, dy: tf.Tensor, layout: AttentionLayout): tf.Tensor2D {
  return tf.engine().runKernel(SimdKernel.causalAttentionGrad, {qkv, probs, dy}, {...layout});
}

/** Column sums of x [rows, columns], rows added in order (a bias gradient). */
export function simdColumnSums(x: tf.Tensor): tf.Tensor1D {
  return tf.engine().runKernel(SimdKernel.columnSums, {x});
}

/** [vocab, d] table of the rows of dy [n, d] summed by int32 ids [n] (an embedding gradient). */
export function simdScatterRows(dy: tf.Tensor, ids: tf.Tensor, vocab: number): tf.Tensor2D {
  return tf.engine().runKernel(SimdKernel.scatterRows, {dy, ids}, {vocab});
}

/** Scalars of one Adam update, each already what the tensor ops would round it to (see `assembly/adam.ts`). */
export interface AdamScalars {
  readonly decay: number;
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  readonly c2: number;
  readonly epsilon: number;
  readonly stepSize: number;
}

/** [new parameter, m, v] of one Adam(W) update in one kernel. */
export function simdAdamUpdate(
  param: tf.Tensor,
  grad: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  scalars: AdamScalars,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(SimdKernel.adamUpdate, {param, grad, m, v}, {...scalars});
}
