import type {Optimizer, OptimizerFactory, OptimizerOptions, OptimizerState} from '@codex-ml/core';

/** SGD with momentum over Float32Array parameters; `leakViews` breaks "getState returns copies". */
export class FakeMomentumSgd implements Optimizer<Float32Array> {
  readonly type = 'fake-momentum';
  step = 0;
  #velocity = new Map<string, Float32Array>();

  constructor(
    private readonly options: OptimizerOptions,
    private readonly leakViews = false,
  ) {}

  static factory(leakViews = false): OptimizerFactory<Float32Array> {
    return {type: 'fake-momentum', engine: 'fake', create: (options) => new FakeMomentumSgd(options, leakViews)};
  }

  applyGradients(params: ReadonlyMap<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>, lr: number): void {
    for (const [name, x] of params) {
      const g = grads.get(name) as Float32Array;
      const v = this.#velocity.get(name) ?? new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) {
        v[i] = 0.9 * (v[i] as number) + (g[i] as number);
        x[i] = (x[i] as number) - lr * (v[i] as number);
      }
      this.#velocity.set(name, v);
    }
    this.step += 1;
  }

  getState(): OptimizerState {
    const slots = Object.fromEntries([...this.#velocity].map(([name, v]) => [name, {velocity: this.leakViews ? v : Float32Array.from(v)}]));
    return {type: this.type, version: 1, step: this.step, hyper: {learningRate: this.options.learningRate, momentum: 0.9}, slots};
  }

  setState(state: OptimizerState): void {
    this.step = state.step;
    this.#velocity = new Map(Object.entries(state.slots).map(([name, slot]) => [name, Float32Array.from(slot.velocity ?? [])]));
  }

  dispose(): void {
    this.#velocity.clear();
  }
}
