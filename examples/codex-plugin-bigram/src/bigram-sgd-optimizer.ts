import type {Optimizer, OptimizerFactory, OptimizerOptions, OptimizerState} from '@codex-ml/core';

/**
 * Plain SGD over Float32Array parameters, updated in place: p ← p − lr·(g + weightDecay·p). The optimizer of the
 * bigram engine (`training.optimizer.name: bigram-sgd`); it has no slots, so its state is the step.
 */
export class BigramSgdOptimizer implements Optimizer<Float32Array> {
  readonly type = 'bigram-sgd';
  #step = 0;

  constructor(private readonly options: OptimizerOptions) {}

  /** Entry point of the registered backend (see src/hooks/register.ts). */
  static create(): OptimizerFactory<Float32Array> {
    return {type: 'bigram-sgd', engine: 'bigram', create: (options) => new BigramSgdOptimizer(options)};
  }

  get step(): number {
    return this.#step;
  }

  applyGradients(params: ReadonlyMap<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>, lr: number): void {
    const decay = this.options.weightDecay ?? 0;
    // Sorted, so that the order of updates never depends on map insertion order.
    for (const name of [...grads.keys()].sort()) {
      const param = params.get(name);
      const grad = grads.get(name);
      if (!param || !grad) throw new Error(`BigramSgdOptimizer: gradient for unknown parameter "${name}"`);
      for (let i = 0; i < param.length; i++) {
        const value = param[i] as number;
        param[i] = value - lr * ((grad[i] as number) + decay * value);
      }
    }
    this.#step++;
  }

  getState(): OptimizerState {
    const hyper = {learningRate: this.options.learningRate, weightDecay: this.options.weightDecay ?? 0};
    return {type: this.type, version: 1, step: this.#step, hyper, slots: {}};
  }

  setState(state: OptimizerState): void {
    if (state.type !== this.type) throw new Error(`optimizer state is ${state.type}, this optimizer is ${this.type}`);
    this.#step = state.step;
  }

  dispose(): void {}
}
