import * as tf from '@tensorflow/tfjs';
import {simdScatterRows} from '../kernels/simd-ops.js';
import {kernelPath} from './kernel-policy.js';

/**
 * Rows `ids` [n] of `table` [vocab, d]. The gradient scatters the incoming rows back into a [vocab, d] zero
 * table, adding rows of repeated ids in index order — O(n·d), deterministic. (tfjs' gather gradient goes
 * through UnsortedSegmentSum, which the cpu backend runs as one masked pass per vocabulary entry.)
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const path = kernelPath();
  if (path === 'tensor') return tf.gather(table, ids);
  const [vocab, width] = table.shape;
  if (path === 'simd') {
    const simd = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [t, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      save([ids]);
      return {
        value: tf.gather(t, ids),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [simdScatterRows(dy, saved[0] as tf.Tensor, vocab)],
      };
    });
    return simd(table) as tf.Tensor2D;
  }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [t, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([ids]);
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const indices = (saved[0] as tf.Tensor).dataSync() as Int32Array;
        const rows = dy.dataSync() as Float32Array;
        const out = new Float32Array(vocab * width);
        for (let i = 0; i < indices.length; i++) {
          const to = (indices[i] as number) * width;
          const from = i * width;
          for (let j = 0; j < width; j++) out[to + j] = (out[to + j] as number) + (rows[from + j] as number);
        }
        return [tf.tensor2d(out, [vocab, width])];
      },
    };
  });
  return op(table) as tf.Tensor2D;
}
