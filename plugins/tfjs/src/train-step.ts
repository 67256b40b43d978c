import type {Optimizer, TokenBatch} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import type {GptModel} from './gpt-model.js';
import {addChunkGradients, weightedLoss} from './parallel/chunk-reduction.js';
import {gradientChunks} from './parallel/gradient-chunks.js';
import {ParameterLayout} from './parallel/parameter-layout.js';
import {applySummedGradient} from './parallel/summed-gradient-update.js';

export interface TrainStepOptions {
  /** Learning rate of this update (the host's schedule decides it). */
  readonly lr: number;
  /** Global-norm clipping threshold; 0 or absent: no clipping (the norm is still measured). */
  readonly clipNorm?: number;
}

export interface TrainStepResult {
  /** Mean loss over the micro-batches' tokens, before the update. */
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
 * One optimizer update from one or more micro-batches (gradient accumulation when more than one), computed
 * here, on the calling thread: the batch is cut into gradient chunks (`gradientChunks`), each chunk's loss and
 * gradients are computed and added, weighted, into one sum in chunk order, then the global norm, clipping and
 * `optimizer.applyGradients`. `DataParallelTrainer` spreads the same chunks over worker threads and gets the
 * same bits.
 *
 * Dropout seeds derive from the optimizer's step and the chunk's index, so a resumed run reproduces the masks
 * exactly. A non-finite loss or gradient norm skips the update and reports `finite: false`, leaving weights
 * and optimizer state as they were (the runner's NaN guard decides what to do).
 */
export function trainStep(
  model: GptModel,
  optimizer: Optimizer<tf.Variable, tf.Tensor>,
  microBatches: readonly TokenBatch[],
  options: TrainStepOptions,
): TrainStepResult {
  const chunks = gradientChunks(microBatches, optimizer.step);
  const {layout, sum} = stepBuffers(model);
  const losses = new Float64Array(chunks.length);
  for (const chunk of chunks) {
    const {loss, grads} = computeGradients(model, chunk.batch, chunk.dropoutSeed);
    try {
      addChunkGradients(sum, layout, grads, chunk.weight, chunk.index === 0);
    } finally {
      for (const grad of grads.values()) grad.dispose();
    }
    losses[chunk.index] = loss;
  }
  const loss = weightedLoss(
    losses,
    chunks.map((chunk) => chunk.weight),
  );
  const {gradNorm, finite} = applySummedGradient(model, optimizer, layout, sum, loss, {lr: options.lr, clipNorm: options.clipNorm ?? 0});
  const tokens = microBatches.reduce((total, batch) => total + batch.batchSize * batch.length, 0);
  return {loss, gradNorm, tokens, finite};
}

const buffers = new WeakMap<GptModel, {layout: ParameterLayout; sum: Float32Array}>();

/** The model's parameter layout and a gradient sum reused from step to step. */
function stepBuffers(model: GptModel): {layout: ParameterLayout; sum: Float32Array} {
  let entry = buffers.get(model);
  if (!entry) {
    const layout = new ParameterLayout(model.params);
    entry = {layout, sum: new Float32Array(layout.total)};
    buffers.set(model, entry);
  }
  return entry;
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
