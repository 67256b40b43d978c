import {definePlugin} from '@codex-ml/core';

export default definePlugin((registry) => {
  registry.register('manifest-store', 'fs', {
    description: 'JSON files in runs/<ULID>/manifest.json, atomic writes and a per-run lock; the default',
    module: new URL('../fs-manifest-store.js', import.meta.url).href,
    export: 'FsManifestStore',
  });
});
