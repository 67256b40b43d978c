import type {Optimizer, OptimizerState, StepOutcome, TokenBatch, TrainableModel} from '@codex-ml/core';
import {BigramModel, TRANSITIONS} from './bigram-model.js';

/** A bigram model and its optimizer: gradients averaged over micro-batches, clipped, then applied. */
export class BigramTrainableModel extends BigramModel implements TrainableModel {
  #lastGradient: Float32Array | undefined;

  constructor(
    vocabSize: number,
    transitions: Float32Array,
    private readonly optimizer: Optimizer<Float32Array>,
    private readonly clipNorm: number,
  ) {
    super(vocabSize, transitions);
  }

  /** Nothing here is random, so `step` changes nothing; the optimizer's own step counts updates. */
  async trainStep(microBatches: readonly TokenBatch[], _step: number, lr: number): Promise<StepOutcome> {
    if (microBatches.length === 0) throw new RangeError('trainStep needs at least one micro-batch');
    // Accumulated in float64: the mean over micro-batches then rounds once, to float32.
    const sum = new Float64Array(this.transitions.length);
    let loss = 0;
    for (const batch of microBatches) loss += this.lossAndGradient(batch, sum).loss;
    loss /= microBatches.length;
    const gradient = new Float32Array(sum.length);
    let squares = 0;
    for (let i = 0; i < sum.length; i++) {
      const value = (sum[i] as number) / microBatches.length;
      gradient[i] = value;
      squares += (gradient[i] as number) ** 2;
    }
    const gradNorm = Math.sqrt(squares);
    this.#lastGradient = gradient;
    // A non-finite step is reported, never applied: the runner stops and names the tensors.
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) return {loss, gradNorm};
    if (this.clipNorm > 0 && gradNorm > this.clipNorm) {
      const factor = this.clipNorm / gradNorm;
      for (let i = 0; i < gradient.length; i++) gradient[i] = (gradient[i] as number) * factor;
    }
    this.optimizer.applyGradients(new Map([[TRANSITIONS, this.transitions]]), new Map([[TRANSITIONS, gradient]]), lr);
    return {loss, gradNorm};
  }

  async nonFiniteTensors(): Promise<string[]> {
    const names: string[] = [];
    if (!this.transitions.every(Number.isFinite)) names.push(`weight ${TRANSITIONS}`);
    if (this.#lastGradient && !this.#lastGradient.every(Number.isFinite)) names.push(`gradient of ${TRANSITIONS}`);
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
