import type * as tf from '@tensorflow/tfjs';
import {type ParameterLayout, tensorValues} from './parameter-layout.js';

/**
 * Adds one chunk's gradients, times its weight, into the step's running sum `sum` (flat, `layout` order);
 * the first chunk overwrites it. Every chunk goes through `addParameterGradient` in chunk order, parameter by
 * parameter, whichever thread computed it, so the sum has the same bits for any number of threads.
 */
export function addChunkGradients(
  sum: Float32Array,
  layout: ParameterLayout,
  grads: ReadonlyMap<string, tf.Tensor>,
  weight: number,
  first: boolean,
): void {
  layout.names.forEach((name, i) => {
    addParameterGradient(sum, layout, i, grads.get(name), weight, first);
  });
}

/**
 * Adds one chunk's gradient of parameter `i` (undefined: the loss does not reach it, a zero gradient), times
 * `weight`, into its place in `sum`; the first chunk overwrites it. Elements are independent, so parameters
 * may be summed by different threads at once as long as each parameter sees its chunks in order.
 */
export function addParameterGradient(
  sum: Float32Array,
  layout: ParameterLayout,
  i: number,
  grad: tf.Tensor | undefined,
  weight: number,
  first: boolean,
): void {
  const target = layout.slice(sum, i);
  if (!grad) {
    if (first) target.fill(0);
    return;
  }
  const values = tensorValues(grad);
  if (first) for (let j = 0; j < target.length; j++) target[j] = weight * (values[j] as number);
  else for (let j = 0; j < target.length; j++) target[j] = (target[j] as number) + weight * (values[j] as number);
}

/** The step's loss: chunk losses times their weights, added in chunk order. */
export function weightedLoss(losses: ArrayLike<number>, weights: readonly number[]): number {
  let loss = 0;
  for (let i = 0; i < weights.length; i++) loss += (weights[i] as number) * (losses[i] as number);
  return loss;
}
