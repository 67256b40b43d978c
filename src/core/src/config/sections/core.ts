import type {SchemaNode} from '../schema-node.js';

/** Keys shared by every command. */
export const coreSection = {
  hasher: {
    doc: 'Hasher backend for every checksum (codex backends lists them).',
    format: String,
    default: 'blake3',
  },
  manifest: {
    store: {doc: 'ManifestStore backend that keeps run manifests (its own keys: manifest.<name>.*).', format: String, default: 'fs'},
  },
  runs: {
    dir: {
      doc: 'Directory holding run directories (runs/<ULID>/…); relative to the project root (where codex.yaml is), else the working directory.',
      format: String,
      default: 'runs',
      path: true,
    },
  },
  cache: {
    dir: {doc: 'Directory for caches shared between runs (stat cache, token caches).', format: String, default: '.codex/cache', path: true},
  },
} satisfies Record<string, SchemaNode>;
