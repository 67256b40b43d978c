import type {Optimizer} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import type {GptModel} from '../gpt-model.js';
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
 * (float64, parameters in name order), clipping to `clipNorm` (0: none; in place, `sum` is spent), then one
 * optimizer update at `lr`. A non-finite loss or norm leaves weights and optimizer state as they were.
 */
export function applySummedGradient(
  model: GptModel,
  optimizer: Optimizer<tf.Variable, tf.Tensor>,
  layout: ParameterLayout,
  sum: Float32Array,
  loss: number,
  options: {readonly lr: number; readonly clipNorm: number},
): SummedGradientUpdate {
  let squares = 0;
  for (let i = 0; i < layout.names.length; i++) {
    const values = layout.slice(sum, i);
    let part = 0;
    for (let j = 0; j < values.length; j++) part += (values[j] as number) * (values[j] as number);
    squares += part;
  }
  const gradNorm = Math.sqrt(squares);
  const finite = Number.isFinite(loss) && Number.isFinite(gradNorm);
  if (!finite) return {gradNorm, finite};
  const scale = options.clipNorm > 0 && gradNorm > options.clipNorm ? options.clipNorm / gradNorm : 1;
  if (scale !== 1) for (let j = 0; j < sum.length; j++) sum[j] = (sum[j] as number) * scale;
  // Tensors over views of `sum`: the backend copies them (wasm) or reads them before this function returns.
  const grads = new Map<string, tf.Tensor>();
  try {
    layout.names.forEach((name, i) => {
      grads.set(name, tf.tensor(layout.slice(sum, i), [...(layout.shapes[i] as number[])], 'float32'));
    });
    optimizer.applyGradients(model.params, grads, options.lr);
  } finally {
    for (const grad of grads.values()) grad.dispose();
  }
  return {gradNorm, finite};
}
