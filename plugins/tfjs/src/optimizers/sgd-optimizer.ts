import type {BackendOptions, OptimizerFactory, OptimizerOptions} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {readOptions, SlotOptimizer, type SlotUpdate, type UpdateInput, slotOptimizerFactory} from './slot-optimizer.js';

/** Plain SGD: p ← p − lr·(g + wd·p), the weight-decay term (classic L2) on matrices only. */
export class SgdOptimizer extends SlotOptimizer {
  readonly type = 'sgd';
  protected readonly slotNames: readonly string[] = [];

  constructor(options: OptimizerOptions) {
    super(readOptions('sgd', options, {}));
  }

  /** Entry point of the `optimizer` contract's `sgd` backend; `configured` is `training.optimizer.sgd.*`. */
  static create(configured: BackendOptions = {}): OptimizerFactory<tf.Variable, tf.Tensor> {
    return slotOptimizerFactory('sgd', configured, (options) => new SgdOptimizer(options));
  }

  protected update({param, grad, lr, decays}: UpdateInput, hyper: Readonly<Record<string, number>>): SlotUpdate {
    const wd = decays ? (hyper['weightDecay'] as number) : 0;
    const g = wd > 0 ? tf.add(grad, tf.mul(param, wd)) : grad;
    return {value: tf.sub(param, tf.mul(g, lr)), slots: {}};
  }
}
