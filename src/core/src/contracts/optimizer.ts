/** DI token of the optimizer contract (see `Hasher` for why `Symbol.for`). */
export const Optimizer = Symbol.for('codex-ml.Optimizer');

/**
 * Everything needed to continue optimization exactly: hyper-parameters, the step counter and every slot
 * (moment) tensor as raw little-endian float32 data, keyed by parameter name then slot name.
 */
export interface OptimizerState {
  readonly type: string;
  readonly version: number;
  readonly step: number;
  readonly hyper: Readonly<Record<string, number>>;
  readonly slots: Readonly<Record<string, Readonly<Record<string, Float32Array>>>>;
}

/** Hyper-parameters every optimizer understands (`training.optimizer.learningRate`, `.weightDecay`). */
export interface OptimizerOptions {
  readonly learningRate: number;
  readonly weightDecay?: number;
  /**
   * The backend's own hyper-parameters (Adam's betas). Its config block `training.optimizer.<name>.*`, which
   * its `create(options)` received, supplies them; values here override.
   */
  readonly params?: Readonly<Record<string, number>>;
}

/**
 * Applies gradient updates to named parameters. Generic over the tensor type `T` so that core stays free of
 * any tensor library; the training plugin instantiates it with TensorFlow.js variables.
 *
 * Invariants (checked by `optimizerConformance`):
 * - `applyGradients` with learning rate `lr` updates every parameter in place and increments `step` once.
 * - Descent: on a convex quadratic, loss decreases within a few steps for a small enough learning rate.
 * - State round trip: `setState(getState())` on a fresh optimizer over the same parameters makes the next
 *   update bitwise identical to the original's.
 * - `getState()` returns copies, not views of live buffers.
 */
export interface Optimizer<T = unknown, G = T> {
  readonly type: string;
  readonly step: number;
  /**
   * One update. `lr` comes from the schedule, so schedules stay outside optimizers. Gradients may have another
   * type than parameters (`G`): in TensorFlow.js parameters are mutable variables, gradients plain tensors.
   */
  applyGradients(params: ReadonlyMap<string, T>, grads: ReadonlyMap<string, G>, lr: number): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  dispose(): void;
}

/**
 * What the `optimizer` contract's backends provide: a way to build optimizers over one training engine's
 * tensors. `engine` names that engine (`training.engine`); the host refuses, before any work, an optimizer
 * whose engine is not the one selected, and engines refuse it too.
 */
export interface OptimizerFactory<T = unknown, G = T> {
  readonly type: string;
  /**
   * The training engine whose parameters this optimizer updates, e.g. `tfjs`. Optimizers built before engines
   * were a contract declare none; they served TensorFlow.js, and `servedEngine` reads them as `tfjs`.
   */
  readonly engine: string;
  create(options: OptimizerOptions): Optimizer<T, G>;
}

/** The engine an optimizer factory serves (see `OptimizerFactory.engine`). */
export function servedEngine(factory: Pick<OptimizerFactory, 'engine'>): string {
  const declared: unknown = factory.engine;
  return typeof declared === 'string' && declared !== '' ? declared : 'tfjs';
}
