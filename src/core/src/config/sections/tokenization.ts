import type {SchemaNode} from '../schema-node.js';

/** Keys of the `tokenizer:*` commands (configs/tokenization/base.yaml). */
export const tokenizationSection = {
  tokenizer: {
    model: {doc: 'Tokenizer model backend (bpe, wordpiece, …).', format: String, default: 'bpe'},
  },
} satisfies Record<string, SchemaNode>;
