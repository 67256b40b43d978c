import type {BackendOptions, OptimizerFactory, OptimizerOptions} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {adamUpdate} from './adam-update.js';
import {readOptions, SlotOptimizer, type SlotUpdate, type UpdateInput, slotOptimizerFactory} from './slot-optimizer.js';

/** Adam with bias correction; weight decay, if set, is classic L2 added to the gradient of matrices. Slots: `m`, `v`. */
export class AdamOptimizer extends SlotOptimizer {
  readonly type = 'adam';
  protected readonly slotNames = ['m', 'v'] as const;

  constructor(options: OptimizerOptions) {
    super(readOptions('adam', options, {beta1: 0.9, beta2: 0.999, epsilon: 1e-8}));
  }

  /** Entry point of the `optimizer` contract's `adam` backend; `configured` is `training.optimizer.adam.*`. */
  static create(configured: BackendOptions = {}): OptimizerFactory<tf.Variable, tf.Tensor> {
    return slotOptimizerFactory('adam', configured, (options) => new AdamOptimizer(options));
  }

  protected update({param, grad, slots, lr, step, decays}: UpdateInput, hyper: Readonly<Record<string, number>>): SlotUpdate {
    const wd = decays ? (hyper['weightDecay'] as number) : 0;
    const g = wd > 0 ? tf.add(grad, tf.mul(param, wd)) : grad;
    const {value, m, v} = adamUpdate(param, g, slots['m'] as tf.Tensor, slots['v'] as tf.Tensor, lr, step, hyper);
    return {value, slots: {m, v}};
  }
}
