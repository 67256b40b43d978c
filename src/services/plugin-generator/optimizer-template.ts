import type {ContractTemplate} from './generated-file.js';
import type {PluginNames} from './plugin-names.js';

/** TensorFlow.js version the tfjs training engine runs; generated optimizers use the same tensors. */
const TFJS_RANGE = '^4.22.0';

/** An `Optimizer` skeleton for the tfjs engine: over TensorFlow.js variables, the tensors that engine hands to optimizers. */
export function optimizerTemplate(names: PluginNames): ContractTemplate {
  const className = `${names.pascal}Optimizer`;
  const file = `${names.kebab}-optimizer`;
  const implementation = `import type {Optimizer, OptimizerFactory, OptimizerOptions, OptimizerState} from '@codex-ml/core';
import type * as tf from '@tensorflow/tfjs';

/**
 * The ${names.backend} optimizer of the tfjs training engine: it updates TensorFlow.js variables (parameters)
 * with tensors (gradients), and declares \`engine: 'tfjs'\` so that the host pairs it with that engine only.
 * Config \`training.optimizer.name: ${names.backend}\` selects it.
 *
 * Fill in applyGradients(): update every parameter in place (param.assign(...) inside tf.tidy), keep moment
 * tensors as slots, and count steps. getState() returns copies of the slots as Float32Array; setState() restores
 * them so that the next update is bitwise identical.
 */
export class ${className} implements Optimizer<tf.Variable, tf.Tensor> {
  readonly type = '${names.backend}';
  #step = 0;

  constructor(private readonly options: OptimizerOptions) {}

  /** Entry point of the registered backend (see src/hooks/register.ts). */
  static create(): OptimizerFactory<tf.Variable, tf.Tensor> {
    return {type: '${names.backend}', engine: 'tfjs', create: (options) => new ${className}(options)};
  }

  get step(): number {
    return this.#step;
  }

  applyGradients(params: ReadonlyMap<string, tf.Variable>, grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    throw new Error(
      \`${className}.applyGradients is not implemented yet (\${params.size} parameters, \${grads.size} gradients, lr \${lr}): fill it in in src/${file}.ts\`,
    );
  }

  getState(): OptimizerState {
    return {type: this.type, version: 1, step: this.#step, hyper: {learningRate: this.options.learningRate}, slots: {}};
  }

  setState(state: OptimizerState): void {
    this.#step = state.step;
  }

  dispose(): void {}
}
`;
  const test = `import {type TensorAdapter, optimizerConformance} from '@codex-ml/core/testing';
import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import {${className}} from '../src/${file}.js';

await tf.setBackend('cpu');

/** How the suite makes and reads TensorFlow.js parameters and gradients. */
const adapter: TensorAdapter<tf.Variable, tf.Tensor> = {
  parameter: (values, shape) => tf.variable(tf.tensor(values, [...shape])),
  tensor: (values, shape) => tf.tensor(values, [...shape]),
  read: (parameter) => Float32Array.from(parameter.dataSync()),
  dispose: (tensor) => tensor.dispose(),
};

// The optimizer contract's conformance suite: one test per invariant; a failure names the invariant it breaks.
optimizerConformance(test, {
  name: 'optimizer ${names.backend}',
  factory: () => ${className}.create(),
  adapter,
  options: {learningRate: 0.05},
});
`;
  return {
    sources: [{path: `src/${file}.ts`, text: implementation}],
    test: {path: `test/${file}.test.ts`, text: test},
    entry: {file: `${file}.js`, export: className},
    exports: {[file]: [className]},
    peerDependencies: {'@tensorflow/tfjs': TFJS_RANGE},
    devDependencies: {'@tensorflow/tfjs': TFJS_RANGE},
    implementGuide: `Fill in \`applyGradients()\` (and the slots in \`getState\`/\`setState\`) in \`src/${file}.ts\`.`,
  };
}
