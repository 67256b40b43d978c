import * as tf from '@tensorflow/tfjs';

/**
 * Transpose of a 2-D float32 tensor done in JavaScript, blocked for cache reuse. On the wasm backend this is
 * several times faster than the Transpose kernel; the result is a new tensor the caller owns. No gradient
 * (used inside hand-written gradients only).
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [rows, columns] = x.shape;
  const values = x.dataSync() as Float32Array;
  const out = new Float32Array(values.length);
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(r0 + tile, rows);
    for (let c0 = 0; c0 < columns; c0 += tile) {
      const c1 = Math.min(c0 + tile, columns);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = values[r * columns + c] as number;
    }
  }
  return tf.tensor2d(out, [columns, rows]);
}
