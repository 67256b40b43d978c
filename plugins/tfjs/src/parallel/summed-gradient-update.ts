import type {Optimizer} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import type {GptModel} from '../gpt-model.js';
import {simdSumOfSquares} from '../kernels/simd-kernels.js';
import type {ParameterLayout} from './parameter-layout.js';

/** What applying a step's summed gradient reports. */
export interface SummedGradientUpdate {
  /** Global L2 norm of the gradient before clipping. */
  readonly gradNorm: number;
  /** False when the loss or the norm is NaN or ±Inf: the update was then not applied. */
  readonly finite: boolean;
}

/**
 * The end of a step, on the thread that owns the optimizer: the global norm of the summed gradient `sum`
 * (float64, parameters in name order), clipping to `clipNorm` (0: none), then one optimizer update at `lr`.
 * A non-finite loss or norm leaves weights and optimizer state as they were.
 */
export function applySummedGradient(
  model: GptModel,
  optimizer: Optimizer<tf.Variable, tf.Tensor>,
  layout: ParameterLayout,
  sum: Float32Array,
  loss: number,
  options: {readonly lr: number; readonly clipNorm: number},
): SummedGradientUpdate {
  const grads = new Map<string, tf.Tensor>();
  try {
    let squares = 0;
    layout.names.forEach((name, i) => {
      // The backend copies the values (wasm) or reads them before this function returns (cpu).
      const grad = tf.tensor(layout.slice(sum, i), [...(layout.shapes[i] as number[])], 'float32');
      grads.set(name, grad);
      squares += sumOfSquares(grad);
    });
    const gradNorm = Math.sqrt(squares);
    const finite = Number.isFinite(loss) && Number.isFinite(gradNorm);
    if (!finite) return {gradNorm, finite};
    if (options.clipNorm > 0 && gradNorm > options.clipNorm) {
      const scale = options.clipNorm / gradNorm;
      for (const [name, grad] of grads) {
        grads.set(name, tf.mul(grad, scale));
        grad.dispose();
      }
    }
    optimizer.applyGradients(model.params, grads, options.lr);
    return {gradNorm, finite};
  } finally {
    for (const grad of grads.values()) grad.dispose();
  }
}

/** Σ x² in float64, by the SIMD kernel where it runs. */
function sumOfSquares(tensor: tf.Tensor): number {
  const simd = simdSumOfSquares(tensor);
  if (simd !== undefined) return simd;
  let total = 0;
  for (const value of tensor.dataSync() as Float32Array) total += value * value;
  return total;
}
