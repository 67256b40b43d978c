import type {BackendOptions, OptimizerFactory, OptimizerOptions} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {adamUpdate} from './adam-update.js';
import {readOptions, SlotOptimizer, type SlotUpdate, type UpdateInput, slotOptimizerFactory} from './slot-optimizer.js';

/**
 * AdamW (Loshchilov & Hutter), decoupled weight decay as in PyTorch: p ← p·(1 − lr·wd), then the Adam step
 * with the undecayed gradient. Decay applies to matrices only. Slots: `m`, `v`.
 */
export class AdamWOptimizer extends SlotOptimizer {
  readonly type = 'adamw';
  protected readonly slotNames = ['m', 'v'] as const;

  constructor(options: OptimizerOptions) {
    super(readOptions('adamw', options, {beta1: 0.9, beta2: 0.999, epsilon: 1e-8}));
  }

  /** Entry point of the `optimizer` contract's `adamw` backend; `configured` is `training.optimizer.adamw.*`. */
  static create(configured: BackendOptions = {}): OptimizerFactory<tf.Variable, tf.Tensor> {
    return slotOptimizerFactory('adamw', configured, (options) => new AdamWOptimizer(options));
  }

  protected update({param, grad, slots, lr, step, decays}: UpdateInput, hyper: Readonly<Record<string, number>>): SlotUpdate {
    const wd = decays ? (hyper['weightDecay'] as number) : 0;
    const decayed = wd > 0 ? tf.mul(param, 1 - lr * wd) : param;
    const {value, m, v} = adamUpdate(decayed, grad, slots['m'] as tf.Tensor, slots['v'] as tf.Tensor, lr, step, hyper);
    return {value, slots: {m, v}};
  }
}
