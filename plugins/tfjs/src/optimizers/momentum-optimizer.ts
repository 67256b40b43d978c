import type {BackendOptions, OptimizerFactory, OptimizerOptions} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {readOptions, SlotOptimizer, type SlotUpdate, type UpdateInput, slotOptimizerFactory} from './slot-optimizer.js';

/**
 * Heavy-ball momentum as PyTorch's SGD: v ← μ·v + g;  p ← p − lr·v, with classic L2 decay (g += wd·p) on
 * matrices. Slot: `velocity`.
 */
export class MomentumOptimizer extends SlotOptimizer {
  readonly type = 'momentum';
  protected readonly slotNames = ['velocity'] as const;

  constructor(options: OptimizerOptions) {
    super(readOptions('momentum', options, {momentum: 0.9}));
  }

  /** Entry point of the `optimizer` contract's `momentum` backend; `configured` is `training.optimizer.momentum.*`. */
  static create(configured: BackendOptions = {}): OptimizerFactory<tf.Variable, tf.Tensor> {
    return slotOptimizerFactory('momentum', configured, (options) => new MomentumOptimizer(options));
  }

  protected update({param, grad, slots, lr, decays}: UpdateInput, hyper: Readonly<Record<string, number>>): SlotUpdate {
    const wd = decays ? (hyper['weightDecay'] as number) : 0;
    const g = wd > 0 ? tf.add(grad, tf.mul(param, wd)) : grad;
    const velocity = tf.add(tf.mul(slots['velocity'] as tf.Tensor, hyper['momentum'] as number), g);
    return {value: tf.sub(param, tf.mul(velocity, lr)), slots: {velocity}};
  }
}
