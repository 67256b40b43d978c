import * as tf from '@tensorflow/tfjs';

/**
 * Mean next-token cross-entropy of `logits` [N, V] against integer `targets` [N], with the fused gradient
 * (softmax − one-hot) / N. The forward picks each row's log-probability with a gather instead of multiplying
 * by an N × V one-hot, and the backward builds the one-hot once instead of differentiating logSoftmax.
 */
export function sparseCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
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
