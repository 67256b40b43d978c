import {definePlugin} from '@codex-ml/core';

// Runs at every codex start-up: keep it light. The implementation is imported only when config selects it.
export default definePlugin((registry) => {
  registry.register('training-engine', 'bigram', {
    description: 'bigram training-engine (codex-plugin-bigram)',
    module: new URL('../bigram-engine.js', import.meta.url).href,
    export: 'BigramEngine',
  });
  registry.register('optimizer', 'bigram-sgd', {
    description: 'SGD for the bigram engine (codex-plugin-bigram)',
    module: new URL('../bigram-sgd-optimizer.js', import.meta.url).href,
    export: 'BigramSgdOptimizer',
  });
});
