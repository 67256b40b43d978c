import {definePlugin} from '@codex-ml/core';

export default definePlugin((registry) => {
  registry.register('manifest-store', 'sqlite', {
    description: 'Manifests in one SQLite database (better-sqlite3, WAL) with indexed kind/parent/dataset queries',
    module: new URL('../sqlite-manifest-store.js', import.meta.url).href,
    export: 'SqliteManifestStore',
    config: {
      path: {doc: 'Database file of the sqlite manifest store; empty means <runs.dir>/manifests.sqlite.', default: '', path: true},
    },
  });
});
