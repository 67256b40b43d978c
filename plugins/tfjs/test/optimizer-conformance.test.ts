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
    factory: async () =>
      (await loadBackend({...backend, plugin: '@codex-ml/plugin-tfjs'})) as unknown as OptimizerFactory<tf.Variable, tf.Tensor>,
    adapter,
  });
}
