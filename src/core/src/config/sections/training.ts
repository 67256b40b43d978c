import type {SchemaNode} from '../schema-node.js';

/** Keys of `codex train` (configs/training/base.yaml). */
export const trainingSection = {
  training: {
    optimizer: {
      name: {doc: 'Optimizer backend (sgd, momentum, adam, adamw, …).', format: String, default: 'adamw'},
    },
  },
} satisfies Record<string, SchemaNode>;
