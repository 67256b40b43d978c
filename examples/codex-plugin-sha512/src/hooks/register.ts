import {definePlugin} from '@codex-ml/core';

// Runs at every codex start-up: keep it light. The implementation is imported only when config selects it.
export default definePlugin((registry) => {
  registry.register('hasher', 'sha512', {
    description: 'sha512 hasher (codex-plugin-sha512)',
    module: new URL('../sha512-hasher.js', import.meta.url).href,
    export: 'Sha512Hasher',
  });
});
