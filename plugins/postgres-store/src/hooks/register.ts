import {definePlugin} from '@codex-ml/core';

export default definePlugin((registry) => {
  registry.register('manifest-store', 'postgres', {
    description: 'Manifests in a PostgreSQL database shared by a team (manifest.postgres.url or PG* variables), indexed queries',
    module: new URL('../postgres-manifest-store.js', import.meta.url).href,
    export: 'PostgresManifestStore',
    config: {
      url: {
        doc: 'Connection URL (postgres://user@host:5432/db); empty means the PG* environment variables. Shown masked.',
        default: '',
        sensitive: true,
      },
      schema: {doc: 'PostgreSQL schema holding the store tables.', default: 'codex_ml'},
    },
  });
});
