import {loadBackend, type OptimizerFactory} from '@codex-ml/core';
import {type TensorAdapter, optimizerConformance} from '@codex-ml/core/testing';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import register from '../src/hooks/register.js';
import {loadTfBackend} from '../src/index.js';

test.before(async () => {
  await loadTfBackend('wasm');
});

const adapter: TensorAdapter<tf.Variable, tf.Tensor> = {
  parameter: (values, shape) => tf.variable(tf.tensor(values, [...shape])),
  tensor: (values, shape) => tf.tensor(values, [...shape]),
  read: (parameter) => Float32Array.from(parameter.dataSync()),
  dispose: (tensor) => tensor.dispose(),
};

// Every optimizer this plugin registers, loaded the way the host loads it, runs the shared suite.
const contribution = await register();
for (const backend of contribution.backends.filter((entry) => entry.contract === 'optimizer')) {
  optimizerConformance(test, {
    name: `optimizer ${backend.name}`,
    factory: async () => {
      const factory = await loadBackend({
        contract: 'optimizer',
        name: backend.name,
        spec: backend.spec,
        plugin: '@codex-ml/plugin-tfjs',
      });
      if (!updatesVariables(factory)) throw new Error(`optimizer ${backend.name} does not serve the tfjs engine`);
      return factory;
    },
    adapter,
  });
}

/** The tfjs engine's optimizers update `tf.Variable`s with `tf.Tensor` gradients. */
function updatesVariables(factory: OptimizerFactory): factory is OptimizerFactory<tf.Variable, tf.Tensor> {
  return factory.engine === 'tfjs';
}
