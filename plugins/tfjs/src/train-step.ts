import {type Optimizer, type TokenBatch, mixSeed} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {clipByGlobalNorm} from './global-norm-clipping.js';
import {GradientAccumulator} from './gradient-accumulator.js';
import type {GptModel} from './gpt-model.js';

export interface TrainStepOptions {
  /** Learning rate of this update (the host's schedule decides it). */
  readonly lr: number;
  /** Global-norm clipping threshold; 0 or absent: no clipping (the norm is still measured). */
  readonly clipNorm?: number;
}

export interface TrainStepResult {
  /** Mean loss over the micro-batches, before the update. */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Tokens trained on (all micro-batches). */
  readonly tokens: number;
  /** False when loss or gradient norm is NaN/±Inf; the update was then NOT applied. */
  readonly finite: boolean;
}

/** Loss and gradients of one batch, by parameter name; the caller owns the gradient tensors. */
export function computeGradients(model: GptModel, batch: TokenBatch, dropoutSeed: number): {loss: number; grads: Map<string, tf.Tensor>} {
  const names = [...model.params.keys()];
  const variables = names.map((name) => model.params.get(name) as tf.Variable);
  const byVariable = new Map(variables.map((variable, i) => [variable.name, names[i] as string]));
  const {value, grads} = tf.tidy(() => {
    const [contexts, targets] = batchTensors(batch);
    return tf.variableGrads(() => model.loss(contexts, targets, {training: true, dropoutSeed}), variables);
  });
  const loss = (value.dataSync() as Float32Array)[0] as number;
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  for (const [variableName, grad] of Object.entries(grads)) out.set(byVariable.get(variableName) as string, grad);
  return {loss, grads: out};
}

/**
 * One optimizer update from one or more micro-batches (gradient accumulation when more than one): loss and
 * gradients per micro-batch, mean gradients, global-norm clipping, then `optimizer.applyGradients`.
 *
 * Dropout seeds derive from the optimizer's step and the micro-batch index, so a resumed run reproduces the
 * masks exactly. A non-finite loss or gradient norm skips the update and reports `finite: false`, leaving
 * weights and optimizer state as they were (the runner's NaN guard decides what to do).
 */
export function trainStep(
  model: GptModel,
  optimizer: Optimizer<tf.Variable, tf.Tensor>,
  microBatches: readonly TokenBatch[],
  options: TrainStepOptions,
): TrainStepResult {
  if (microBatches.length === 0) throw new RangeError('trainStep needs at least one micro-batch');
  const accumulator = new GradientAccumulator();
  let lossSum = 0;
  let tokens = 0;
  microBatches.forEach((batch, index) => {
    const {loss, grads} = computeGradients(model, batch, mixSeed(optimizer.step, index));
    lossSum += loss;
    tokens += batch.batchSize * batch.length;
    accumulator.add(grads);
  });
  const loss = lossSum / microBatches.length;
  const {grads, norm} = clipByGlobalNorm(accumulator.takeMean(), options.clipNorm ?? 0);
  const finite = Number.isFinite(loss) && Number.isFinite(norm);
  try {
    if (finite) optimizer.applyGradients(model.params, grads, options.lr);
  } finally {
    for (const grad of grads.values()) grad.dispose();
  }
  return {loss, gradNorm: norm, tokens, finite};
}

/** Mean loss of a batch without dropout or gradients (evaluation). */
export function evaluateLoss(model: GptModel, batch: TokenBatch): number {
  return tf.tidy(() => {
    const [contexts, targets] = batchTensors(batch);
    return (model.loss(contexts, targets).dataSync() as Float32Array)[0] as number;
  });
}

function batchTensors(batch: TokenBatch): [tf.Tensor2D, tf.Tensor2D] {
  const shape: [number, number] = [batch.batchSize, batch.length];
  return [tf.tensor2d(batch.contexts, shape, 'int32'), tf.tensor2d(batch.targets, shape, 'int32')];
}
