import * as tf from '@tensorflow/tfjs';
import {useJsKernels} from './kernel-policy.js';

/**
 * Mean next-token cross-entropy of `logits` [N, V] against integer `targets` [N], with the fused gradient
 * (softmax − one-hot) / N. The JavaScript path computes loss and gradient in one pass over the logits
 * (log-sum-exp in float64); the tensor path picks each row's log-probability with a gather and builds the
 * one-hot only in the backward pass.
 */
export function sparseCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return useJsKernels() ? crossEntropyJs(logits, targets) : crossEntropyTensor(logits, targets);
}

function crossEntropyJs(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const [rows, vocab] = logits.shape;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input] = args as [tf.Tensor];
    const values = input.dataSync() as Float32Array;
    const ids = targets.dataSync() as Int32Array;
    const grad = new Float32Array(values.length);
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * vocab;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < vocab; j++) {
        const v = values[base + j] as number;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let j = 0; j < vocab; j++) {
        const e = Math.exp((values[base + j] as number) - max);
        grad[base + j] = e;
        sum += e;
      }
      const target = ids[r] as number;
      total += Math.log(sum) + max - (values[base + target] as number);
      const scale = 1 / (sum * rows);
      for (let j = 0; j < vocab; j++) grad[base + j] = (grad[base + j] as number) * scale;
      grad[base + target] = (grad[base + target] as number) - 1 / rows;
    }
    return {
      value: tf.scalar(total / rows),
      // dy is 1 when the loss is differentiated directly, the usual case: skip a pass over N × V values.
      gradFunc: (dy: tf.Tensor) => {
        const seed = (dy.dataSync() as Float32Array)[0];
        const g = tf.tensor2d(grad, [rows, vocab]);
        return [seed === 1 ? g : tf.mul(g, dy)];
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
