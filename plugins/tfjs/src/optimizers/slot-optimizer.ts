import {
  type BackendOptions,
  CodexError,
  ExitCode,
  type Optimizer,
  type OptimizerFactory,
  type OptimizerOptions,
  type OptimizerState,
} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';

/** Version of the state layout every optimizer here writes. */
export const OPTIMIZER_STATE_VERSION = 1;

/** New parameter value and new slot tensors of one update; created inside a tidy scope. */
export interface SlotUpdate {
  readonly value: tf.Tensor;
  readonly slots: Readonly<Record<string, tf.Tensor>>;
}

/** What a concrete optimizer's update rule receives for one parameter. */
export interface UpdateInput {
  readonly name: string;
  readonly param: tf.Tensor;
  readonly grad: tf.Tensor;
  readonly slots: Readonly<Record<string, tf.Tensor>>;
  readonly lr: number;
  /** 1-based index of the update being applied. */
  readonly step: number;
  /** Whether weight decay applies: matrices do, biases, norms' gains and 1-D vectors do not (GPT practice). */
  readonly decays: boolean;
}

/**
 * Shared machinery of the TensorFlow.js optimizers: the step counter, per-parameter slot tensors, state
 * export/import, and determinism (parameters updated in sorted name order, each update one `tf.tidy`).
 * Subclasses supply only the update rule.
 *
 * Restored slots are kept as float32 arrays until the next update materialises them with the parameter's
 * shape, so `setState` needs no parameters and a restored optimizer behaves bitwise like the original.
 */
export abstract class SlotOptimizer implements Optimizer<tf.Variable, tf.Tensor> {
  abstract readonly type: string;
  protected abstract readonly slotNames: readonly string[];
  #hyper: Record<string, number>;
  #step = 0;
  readonly #slots = new Map<string, Map<string, tf.Tensor>>();
  readonly #pending = new Map<string, Record<string, Float32Array>>();

  protected constructor(hyper: Record<string, number>) {
    this.#hyper = {...hyper};
  }

  get step(): number {
    return this.#step;
  }

  /** Hyper-parameters in effect (restored ones after `setState`). */
  get hyper(): Readonly<Record<string, number>> {
    return this.#hyper;
  }

  protected abstract update(input: UpdateInput, hyper: Readonly<Record<string, number>>): SlotUpdate;

  applyGradients(params: ReadonlyMap<string, tf.Variable>, grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    if (!Number.isFinite(lr) || lr < 0) {
      throw new CodexError('E_OPTIMIZER', `${this.type}: learning rate must be a finite number >= 0, got ${lr}`, {
        exitCode: ExitCode.failure,
      });
    }
    const step = this.#step + 1;
    // Sorted so that the order of kernels (and so every rounding) never depends on map insertion order.
    for (const name of [...grads.keys()].sort()) {
      const param = params.get(name);
      if (!param) {
        throw new CodexError('E_OPTIMIZER', `${this.type}: gradient for unknown parameter "${name}"`, {exitCode: ExitCode.failure});
      }
      const grad = grads.get(name) as tf.Tensor;
      const old = this.#slotsFor(name, param);
      const fresh = tf.tidy(() => {
        const result = this.update({name, param, grad, slots: Object.fromEntries(old), lr, step, decays: param.rank >= 2}, this.#hyper);
        param.assign(result.value);
        return Object.values(result.slots).length === 0 ? [] : this.slotNames.map((slot) => result.slots[slot] as tf.Tensor);
      });
      const slots = new Map<string, tf.Tensor>();
      this.slotNames.forEach((slot, i) => {
        slots.set(slot, fresh[i] as tf.Tensor);
      });
      for (const tensor of old.values()) tensor.dispose();
      this.#slots.set(name, slots);
    }
    this.#step = step;
  }

  getState(): OptimizerState {
    const slots: Record<string, Record<string, Float32Array>> = {};
    const names = [...new Set([...this.#slots.keys(), ...this.#pending.keys()])].sort();
    for (const name of names) {
      const live = this.#slots.get(name);
      const entry: Record<string, Float32Array> = {};
      for (const slot of this.slotNames) {
        const tensor = live?.get(slot);
        const pending = this.#pending.get(name)?.[slot];
        if (tensor) entry[slot] = (tensor.dataSync() as Float32Array).slice();
        else if (pending) entry[slot] = pending.slice();
      }
      slots[name] = entry;
    }
    return {type: this.type, version: OPTIMIZER_STATE_VERSION, step: this.#step, hyper: {...this.#hyper}, slots};
  }

  /** Restores step, hyper-parameters and every slot; refuses state of another optimizer type or version. */
  setState(state: OptimizerState): void {
    if (state.type !== this.type || state.version !== OPTIMIZER_STATE_VERSION) {
      throw new CodexError(
        'E_OPTIMIZER_STATE',
        `optimizer state is ${state.type} v${state.version}, this optimizer is ${this.type} v${OPTIMIZER_STATE_VERSION}`,
        {hint: 'resume with the training.optimizer.name the checkpoint was written with', exitCode: ExitCode.integrity},
      );
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new CodexError('E_OPTIMIZER_STATE', `optimizer state has an invalid step ${String(state.step)}`, {
        exitCode: ExitCode.integrity,
      });
    }
    for (const [name, entry] of Object.entries(state.slots)) {
      for (const slot of this.slotNames) {
        if (!(entry[slot] instanceof Float32Array)) {
          throw new CodexError('E_OPTIMIZER_STATE', `optimizer state lacks slot "${slot}" of parameter "${name}"`, {
            exitCode: ExitCode.integrity,
          });
        }
      }
    }
    this.#disposeSlots();
    this.#pending.clear();
    for (const [name, entry] of Object.entries(state.slots)) {
      const copy: Record<string, Float32Array> = {};
      for (const slot of this.slotNames) copy[slot] = (entry[slot] as Float32Array).slice();
      this.#pending.set(name, copy);
    }
    this.#hyper = {...state.hyper};
    this.#step = state.step;
  }

  dispose(): void {
    this.#disposeSlots();
    this.#pending.clear();
  }

  #slotsFor(name: string, param: tf.Variable): Map<string, tf.Tensor> {
    const live = this.#slots.get(name);
    if (live) return live;
    const slots = new Map<string, tf.Tensor>();
    const pending = this.#pending.get(name);
    for (const slot of this.slotNames) {
      const values = pending?.[slot];
      if (values && values.length !== param.size) {
        throw new CodexError(
          'E_OPTIMIZER_STATE',
          `optimizer slot "${slot}" of "${name}" has ${values.length} values, the parameter has ${param.size}`,
          {hint: 'the checkpoint was written for another model shape', exitCode: ExitCode.integrity},
        );
      }
      slots.set(slot, values ? tf.tensor(values, param.shape, 'float32') : tf.zeros(param.shape, 'float32'));
    }
    this.#pending.delete(name);
    this.#slots.set(name, slots);
    return slots;
  }

  #disposeSlots(): void {
    for (const slots of this.#slots.values()) for (const tensor of slots.values()) tensor.dispose();
    this.#slots.clear();
  }
}

/** Reads and checks the options every optimizer shares; names the config key on failure. */
/**
 * What an optimizer backend's `create` returns. `configured` is its config block
 * (`training.optimizer.<type>.*`, e.g. the betas); those values are the defaults of every `params` it is given.
 */
export function slotOptimizerFactory(
  type: string,
  configured: BackendOptions,
  make: (options: OptimizerOptions) => SlotOptimizer,
): OptimizerFactory<tf.Variable, tf.Tensor> {
  const defaults: Record<string, number> = {};
  for (const [key, value] of Object.entries(configured)) if (typeof value === 'number') defaults[key] = value;
  return {type, engine: 'tfjs', create: (options) => make({...options, params: {...defaults, ...options.params}})};
}

export function readOptions(type: string, options: OptimizerOptions, defaults: Readonly<Record<string, number>>): Record<string, number> {
  const hyper: Record<string, number> = {learningRate: options.learningRate, weightDecay: options.weightDecay ?? 0};
  for (const [key, fallback] of Object.entries(defaults)) hyper[key] = options.params?.[key] ?? fallback;
  for (const [key, value] of Object.entries(hyper)) {
    const positive = key === 'learningRate' || key === 'epsilon';
    const unit = key === 'beta1' || key === 'beta2' || key === 'momentum';
    const ok = Number.isFinite(value) && (positive ? value > 0 : value >= 0) && (!unit || value < 1);
    if (!ok) {
      const expected = positive ? 'a positive number' : unit ? 'a number in [0, 1)' : 'a number >= 0';
      const configKey = key === 'learningRate' || key === 'weightDecay' ? `training.optimizer.${key}` : `training.optimizer.${type}.${key}`;
      throw new CodexError('E_CONFIG', `${configKey} must be ${expected} for ${type}, got ${String(value)}`, {
        hint: `fix ${configKey}`,
        exitCode: ExitCode.config,
      });
    }
  }
  return hyper;
}
