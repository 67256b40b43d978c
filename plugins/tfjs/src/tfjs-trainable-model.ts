import {
  type NamedTensor,
  type Optimizer,
  type OptimizerState,
  type StepOutcome,
  type TokenBatch,
  type TrainableModel,
  mixSeed,
} from '@codex-ml/core';
import type * as tf from '@tensorflow/tfjs';
import type {GptModel} from './gpt-model.js';
import {DataParallelTrainer, type DataParallelOptions} from './parallel/data-parallel-trainer.js';
import {TfjsModel} from './tfjs-model.js';
import {computeGradients} from './train-step.js';

/**
 * A GPT and its optimizer behind the `TrainableModel` contract. Steps run data-parallel over
 * `options.workers` threads (`DataParallelTrainer`); the weights and the optimizer live on this thread.
 */
export class TfjsTrainableModel extends TfjsModel implements TrainableModel {
  #lastBatches: readonly TokenBatch[] = [];
  readonly #trainer: DataParallelTrainer;

  constructor(
    network: GptModel,
    private readonly optimizer: Optimizer<tf.Variable, tf.Tensor>,
    options: DataParallelOptions,
    version?: string,
  ) {
    super(network, version);
    this.#trainer = new DataParallelTrainer(network, optimizer, options);
  }

  /** Dropout seeds follow the optimizer's step, which the checkpointed state restores: `step` adds nothing. */
  async trainStep(microBatches: readonly TokenBatch[], step: number, lr: number): Promise<StepOutcome> {
    this.#lastBatches = microBatches;
    const result = await this.#trainer.step(microBatches, step, lr);
    return {loss: result.loss, gradNorm: result.gradNorm};
  }

  override async setWeights(weights: readonly NamedTensor[]): Promise<void> {
    await super.setWeights(weights);
    this.#trainer.weightsChanged();
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

  override async dispose(): Promise<void> {
    await this.#trainer.dispose();
    this.optimizer.dispose();
    super.dispose();
  }
}

function allFinite(values: Float32Array): boolean {
  for (const value of values) if (!Number.isFinite(value)) return false;
  return true;
}
