import {type Optimizer, type OptimizerState, type StepOutcome, type TokenBatch, type TrainableModel, mixSeed} from '@codex-ml/core';
import type * as tf from '@tensorflow/tfjs';
import type {GptModel} from './gpt-model.js';
import {TfjsModel} from './tfjs-model.js';
import {computeGradients, trainStep} from './train-step.js';

/** A GPT and its optimizer behind the `TrainableModel` contract. */
export class TfjsTrainableModel extends TfjsModel implements TrainableModel {
  #lastBatches: readonly TokenBatch[] = [];

  constructor(
    network: GptModel,
    private readonly optimizer: Optimizer<tf.Variable, tf.Tensor>,
    private readonly clipNorm: number,
  ) {
    super(network);
  }

  /** Dropout seeds follow the optimizer's step, which the checkpointed state restores: `step` adds nothing. */
  async trainStep(microBatches: readonly TokenBatch[], _step: number, lr: number): Promise<StepOutcome> {
    this.#lastBatches = microBatches;
    const result = trainStep(this.network, this.optimizer, microBatches, {lr, clipNorm: this.clipNorm});
    return {loss: result.loss, gradNorm: result.gradNorm};
  }

  /** Recomputes the gradients of the failed step's first micro-batch to name the tensors that overflowed. */
  async nonFiniteTensors(): Promise<string[]> {
    const names: string[] = [];
    for (const [name, values] of this.network.getWeights()) if (!allFinite(values)) names.push(`weight ${name}`);
    const batch = this.#lastBatches[0];
    if (batch) {
      const {grads} = computeGradients(this.network, batch, mixSeed(this.optimizer.step, 0));
      for (const [name, grad] of [...grads].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (!allFinite(grad.dataSync() as Float32Array)) names.push(`gradient of ${name}`);
        grad.dispose();
      }
    }
    return names;
  }

  async getOptimizerState(): Promise<OptimizerState> {
    return this.optimizer.getState();
  }

  async setOptimizerState(state: OptimizerState): Promise<void> {
    this.optimizer.setState(state);
  }

  override dispose(): void {
    this.optimizer.dispose();
    super.dispose();
  }
}

function allFinite(values: Float32Array): boolean {
  for (const value of values) if (!Number.isFinite(value)) return false;
  return true;
}
