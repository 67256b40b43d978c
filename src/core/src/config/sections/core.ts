import type {SchemaNode} from '../schema-node.js';

/** Keys shared by every command. */
export const coreSection = {
  hasher: {
    doc: 'Hasher backend for every checksum (codex backends lists them).',
    format: String,
    default: 'blake3',
  },
  manifest: {
    store: {doc: 'ManifestStore backend that keeps run manifests.', format: String, default: 'fs'},
    sqlite: {
      path: {
        doc: 'Database file of the sqlite manifest store; empty means <runs.dir>/manifests.sqlite.',
        format: String,
        default: '',
      },
    },
    postgres: {
      url: {
        doc: 'Connection URL of the postgres manifest store (postgres://user@host:5432/db); empty means the PG* environment variables. Shown masked.',
        format: String,
        default: '',
        sensitive: true,
      },
      schema: {doc: 'PostgreSQL schema holding the postgres store tables.', format: String, default: 'codex_ml'},
    },
  },
  runs: {
    dir: {doc: 'Directory holding run directories (runs/<ULID>/…), relative to the working directory.', format: String, default: 'runs'},
  },
  cache: {
    dir: {doc: 'Directory for caches shared between runs (stat cache, token caches).', format: String, default: '.codex/cache'},
  },
} satisfies Record<string, SchemaNode>;
