import type {ConfigSection} from '@codex-ml/core';

/**
 * The engine's keys, its block `training.tfjs.*`: the TensorFlow.js backend and the GPT shape. The context
 * length is the runner's (`training.model.contextLength`): it cuts the windows the model sees. Plain data,
 * imported by the registration hook, so declaring them loads no TensorFlow.js.
 */
export const TFJS_CONFIG: ConfigSection = {
  backend: {
    doc: 'TensorFlow.js backend: wasm (default), cpu, or tensorflow / tensorflow-gpu (needs @tensorflow/tfjs-node / -gpu).',
    default: 'wasm',
    enum: ['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'],
    replaces: 'training.backend',
  },
  layers: {doc: 'Transformer blocks.', default: 2, type: 'integer', minimum: 1, replaces: 'training.model.layers'},
  heads: {doc: 'Attention heads per block; must divide dModel.', default: 4, type: 'integer', minimum: 1, replaces: 'training.model.heads'},
  dModel: {doc: 'Width of the residual stream.', default: 128, type: 'integer', minimum: 1, replaces: 'training.model.dModel'},
  dropout: {
    doc: 'Dropout rate on attention weights and residual branches.',
    default: 0,
    minimum: 0,
    exclusiveMaximum: 1,
    replaces: 'training.model.dropout',
  },
  tiedEmbeddings: {doc: 'Share the token embedding with the output projection.', default: true, replaces: 'training.model.tiedEmbeddings'},
};

/** Adam's keys, `training.optimizer.adam.*` and `training.optimizer.adamw.*`. */
export const ADAM_CONFIG: ConfigSection = {
  beta1: {doc: 'First-moment decay.', default: 0.9, minimum: 0, exclusiveMaximum: 1, replaces: 'training.optimizer.beta1'},
  beta2: {doc: 'Second-moment decay.', default: 0.99, minimum: 0, exclusiveMaximum: 1, replaces: 'training.optimizer.beta2'},
  epsilon: {doc: 'Denominator epsilon.', default: 1e-8, exclusiveMinimum: 0, replaces: 'training.optimizer.epsilon'},
};

/** Momentum's key, `training.optimizer.momentum.momentum`. */
export const MOMENTUM_CONFIG: ConfigSection = {
  momentum: {
    doc: 'Momentum coefficient μ (v ← μ·v + g).',
    default: 0.9,
    minimum: 0,
    exclusiveMaximum: 1,
    replaces: 'training.optimizer.momentum',
  },
};
