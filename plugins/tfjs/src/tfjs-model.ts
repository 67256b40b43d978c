import {CodexError, type EngineModel, ExitCode, type NamedTensor, type TokenBatch} from '@codex-ml/core';
import type {GptModel} from './gpt-model.js';
import {evaluateLoss} from './train-step.js';

/** A GPT behind the `EngineModel` contract: evaluation and weights, no optimizer. */
export class TfjsModel implements EngineModel {
  constructor(readonly network: GptModel) {}

  get parameterCount(): number {
    return this.network.parameterCount;
  }

  async evaluate(batch: TokenBatch): Promise<number> {
    return evaluateLoss(this.network, batch);
  }

  async getWeights(): Promise<NamedTensor[]> {
    return [...this.network.getWeights()].map(([name, data]) => ({name, shape: [...this.#shapeOf(name, data.length)], data}));
  }

  /** All or nothing: every name, shape and size is checked before the first weight is assigned. */
  async setWeights(weights: readonly NamedTensor[]): Promise<void> {
    for (const tensor of weights) {
      const expected = this.network.params.get(tensor.name)?.shape;
      if (expected && (expected.length !== tensor.shape.length || expected.some((size, axis) => size !== tensor.shape[axis]))) {
        throw new CodexError('E_WEIGHTS', `weights for "${tensor.name}" have shape [${tensor.shape}], expected [${expected}]`, {
          hint: 'the checkpoint was written by a model with another training.model config',
          exitCode: ExitCode.integrity,
        });
      }
    }
    this.network.setWeights(new Map(weights.map((tensor) => [tensor.name, tensor.data])));
  }

  dispose(): void {
    this.network.dispose();
  }

  #shapeOf(name: string, size: number): readonly number[] {
    return this.network.params.get(name)?.shape ?? [size];
  }
}
