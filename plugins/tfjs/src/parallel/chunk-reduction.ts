import type * as tf from '@tensorflow/tfjs';
import {type ParameterLayout, tensorValues} from './parameter-layout.js';

/**
 * Adds one chunk's gradients, times its weight, into the step's running sum `sum` (flat, `layout` order);
 * the first chunk overwrites it. Every chunk goes through this one function in chunk order, whichever thread
 * computed it, so the sum has the same bits for any number of threads.
 */
export function addChunkGradients(
  sum: Float32Array,
  layout: ParameterLayout,
  grads: ReadonlyMap<string, tf.Tensor>,
  weight: number,
  first: boolean,
): void {
  layout.names.forEach((name, i) => {
    const grad = grads.get(name);
    const target = layout.slice(sum, i);
    if (!grad) {
      // A parameter the loss does not reach has a zero gradient.
      if (first) target.fill(0);
      return;
    }
    const values = tensorValues(grad);
    if (first) for (let j = 0; j < target.length; j++) target[j] = weight * (values[j] as number);
    else for (let j = 0; j < target.length; j++) target[j] = (target[j] as number) + weight * (values[j] as number);
  });
}

/** The step's loss: chunk losses times their weights, added in chunk order. */
export function weightedLoss(losses: ArrayLike<number>, weights: readonly number[]): number {
  let loss = 0;
  for (let i = 0; i < weights.length; i++) loss += (weights[i] as number) * (losses[i] as number);
  return loss;
}
