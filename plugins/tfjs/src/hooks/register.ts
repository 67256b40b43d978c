import {definePlugin} from '@codex-ml/core';
import {ADAM_CONFIG, MOMENTUM_CONFIG, TFJS_CONFIG} from '../config-keys.js';

const here = (file: string) => new URL(`../${file}`, import.meta.url).href;

export default definePlugin((registry) => {
  registry.register('training-engine', 'tfjs', {
    description: 'GPT models on TensorFlow.js (wasm, cpu, tfjs-node); the default',
    module: here('tfjs-engine.js'),
    export: 'TfjsEngine',
    config: TFJS_CONFIG,
  });
  registry.register('optimizer', 'sgd', {
    description: 'Plain SGD (TensorFlow.js)',
    module: here('optimizers/sgd-optimizer.js'),
    export: 'SgdOptimizer',
  });
  registry.register('optimizer', 'momentum', {
    description: 'SGD with heavy-ball momentum (TensorFlow.js)',
    module: here('optimizers/momentum-optimizer.js'),
    export: 'MomentumOptimizer',
    config: MOMENTUM_CONFIG,
  });
  registry.register('optimizer', 'adam', {
    description: 'Adam with bias correction (TensorFlow.js)',
    module: here('optimizers/adam-optimizer.js'),
    export: 'AdamOptimizer',
    config: ADAM_CONFIG,
  });
  registry.register('optimizer', 'adamw', {
    description: 'Adam with decoupled weight decay (TensorFlow.js); the default',
    module: here('optimizers/adamw-optimizer.js'),
    export: 'AdamWOptimizer',
    config: ADAM_CONFIG,
  });
});
