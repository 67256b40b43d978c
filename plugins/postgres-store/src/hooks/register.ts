import {definePlugin} from '@codex-ml/core';

export default definePlugin((registry) => {
  registry.register('manifest-store', 'postgres', {
    description: 'Manifests in a PostgreSQL database shared by a team (manifest.postgres.url or PG* variables), indexed queries',
    module: new URL('../postgres-manifest-store.js', import.meta.url).href,
    export: 'PostgresManifestStore',
  });
});
