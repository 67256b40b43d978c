import * as tf from '@tensorflow/tfjs';
import {simdCrossEntropyGrad, simdSoftmaxCrossEntropy} from '../kernels/simd-ops.js';
import {kernelPath} from './kernel-policy.js';

/**
 * Mean next-token cross-entropy of `logits` [N, V] against integer `targets` [N], with the fused gradient
 * (softmax − one-hot) / N. On wasm and cpu the probabilities come from the backend's softmax kernel (XNNPACK's
 * vectorised one on wasm, about twenty times faster than a JavaScript exp loop) and the loss from the target
 * probabilities; the tensor path (native backends) picks each row's log-probability with a gather. Both build
 * the one-hot only in the backward pass.
 */
export function sparseCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const path = kernelPath();
  if (path === 'simd') return crossEntropySimd(logits, targets);
  return path === 'js' ? crossEntropySoftmax(logits, targets) : crossEntropyTensor(logits, targets);
}

/**
 * One kernel computes the probabilities and, per row, (max, Σ e^(x − max), x[target]); the loss is the mean of
 * max + ln Σ − x[target] in float64, rows in order — exact even where a target's probability underflows.
 */
function crossEntropySimd(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const rows = logits.shape[0];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [probs, stats] = simdSoftmaxCrossEntropy(input, targets);
    const s = stats.dataSync() as Float32Array;
    stats.dispose();
    let total = 0;
    for (let r = 0; r < rows; r++) total += (s[3 * r] as number) + Math.log(s[3 * r + 1] as number) - (s[3 * r + 2] as number);
    save([probs, targets]);
    return {
      value: tf.scalar(total / rows),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [pr, t] = saved as [tf.Tensor, tf.Tensor];
        return [simdCrossEntropyGrad(pr, t, ((dy.dataSync() as Float32Array)[0] as number) / rows)];
      },
    };
  });
  return op(logits) as tf.Scalar;
}

function crossEntropySoftmax(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const [rows, vocab] = logits.shape;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const probs = tf.softmax(input);
    const flatIndex = tf.add(tf.range(0, rows * vocab, vocab, 'int32'), targets);
    const picked = tf.gather(tf.reshape(probs, [rows * vocab]), flatIndex);
    const p = picked.dataSync() as Float32Array;
    let total = 0;
    let values: Float32Array | undefined;
    const ids = targets.dataSync() as Int32Array;
    for (let r = 0; r < rows; r++) {
      const probability = p[r] as number;
      if (probability > 1e-30) {
        total -= Math.log(probability);
        continue;
      }
      // The target's probability underflowed float32: take this row's log-sum-exp from the logits instead.
      values ??= input.dataSync() as Float32Array;
      const base = r * vocab;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < vocab; j++) max = Math.max(max, values[base + j] as number);
      let sum = 0;
      for (let j = 0; j < vocab; j++) sum += Math.exp((values[base + j] as number) - max);
      total += Math.log(sum) + max - (values[base + (ids[r] as number)] as number);
    }
    flatIndex.dispose();
    picked.dispose();
    save([probs, targets]);
    return {
      value: tf.scalar(total / rows),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [pr, t] = saved as [tf.Tensor, tf.Tensor1D];
        // int32 then cast: the wasm OneHot kernel ignores a float32 dtype and writes integer bit patterns.
        const oneHot = tf.cast(tf.oneHot(t, vocab), 'float32');
        return [tf.mul(tf.sub(pr, oneHot), tf.div(dy, rows))];
      },
    };
  });
  return op(logits) as tf.Scalar;
}

function crossEntropyTensor(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const [rows, vocab] = logits.shape;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const logProbs = tf.logSoftmax(input);
    const flatIndex = tf.add(tf.range(0, rows * vocab, vocab, 'int32'), targets);
    const picked = tf.gather(tf.reshape(logProbs, [rows * vocab]), flatIndex);
    // Saved, not captured: tensors a custom gradient only closes over may be freed before the backward pass.
    save([logProbs, targets]);
    return {
      value: tf.neg(tf.mean(picked)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [lp, ids] = saved as [tf.Tensor, tf.Tensor1D];
        const probs = tf.exp(lp);
        // int32 then cast: the wasm OneHot kernel ignores a float32 dtype and writes integer bit patterns.
        const oneHot = tf.cast(tf.oneHot(ids, vocab), 'float32');
        return [tf.mul(tf.sub(probs, oneHot), tf.div(dy, rows))];
      },
    };
  });
  return op(logits) as tf.Scalar;
}
