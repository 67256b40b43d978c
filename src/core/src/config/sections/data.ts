import type {SchemaNode} from '../schema-node.js';

/** Keys of `prepare-data` and `data:verify` (configs/data/base.yaml). */
export const dataSection = {
  data: {
    splitter: {doc: 'Splitter backend (seeded, hash-bucket, stratified, grouped, …).', format: String, default: 'seeded'},
    seed: {doc: 'Seed of the split; the only source of randomness.', format: 'int', default: 42},
  },
} satisfies Record<string, SchemaNode>;
