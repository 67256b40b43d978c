import type {ContractTemplate} from './generated-file.js';
import type {PluginNames} from './plugin-names.js';

/**
 * A `TrainingEngine` skeleton whose models throw "not implemented" until filled in, plus a working SGD optimizer
 * for the engine (over `Float32Array` parameters), registered as `<name>-sgd`: an engine needs an optimizer that
 * serves it before `codex train` can run it.
 */
export function trainingEngineTemplate(names: PluginNames): ContractTemplate {
  const engineClass = `${names.pascal}Engine`;
  const engineFile = `${names.kebab}-engine`;
  const optimizerClass = `${names.pascal}SgdOptimizer`;
  const optimizerFile = `${names.kebab}-sgd-optimizer`;
  const optimizerName = `${names.backend}-sgd`;
  const engine = `import {
  type BackendOptions,
  CodexError,
  type EngineDescription,
  type EngineModel,
  ExitCode,
  type ModelSpec,
  type OptimizerFactory,
  type TrainableModel,
  type TrainingEngine,
  type TrainingSetup,
  servedEngine,
} from '@codex-ml/core';

/**
 * The ${names.backend} training engine. Config \`training.engine: ${names.backend}\` selects it, and
 * \`training.optimizer.name: ${optimizerName}\` the optimizer of src/${optimizerFile}.ts that serves it.
 *
 * Fill in createModel() and createTrainableModel(): models keep their weights as named Float32Arrays (sorted by
 * name), evaluate() returns the mean next-token cross-entropy in nats and changes nothing, and trainStep()
 * averages the gradients of its micro-batches, clips them to setup.clipNorm and hands them to the optimizer
 * (setup.optimizer.create(setup.optimizerOptions)). Derive every random number from spec.seed and the step:
 * resuming from a checkpoint must continue bitwise.
 */
export class ${engineClass} implements TrainingEngine {
  readonly name = '${names.backend}';
  readonly description: EngineDescription = {engine: '${names.backend}', backend: 'typescript', versions: {}};

  /** Entry point of the registered backend (see src/hooks/register.ts); \`options\` is the engine's config block. */
  static create(options: BackendOptions = {}): ${engineClass} {
    return new ${engineClass}(options);
  }

  constructor(readonly options: BackendOptions) {}

  async createModel(spec: ModelSpec): Promise<EngineModel> {
    throw notImplemented('createModel', spec);
  }

  async createTrainableModel(spec: ModelSpec, setup: TrainingSetup): Promise<TrainableModel> {
    assertServes${names.pascal}(setup.optimizer);
    throw notImplemented('createTrainableModel', spec);
  }
}

/** Optimizers of this engine update Float32Array parameters in place; those of other engines are refused by name. */
export function assertServes${names.pascal}(factory: OptimizerFactory): asserts factory is OptimizerFactory<Float32Array> {
  const engine = servedEngine(factory);
  if (engine === '${names.backend}') return;
  throw new CodexError('E_OPTIMIZER_ENGINE', \`optimizer "\${factory.type}" serves the \${engine} engine, not ${names.backend}\`, {
    hint: 'set training.optimizer.name to ${optimizerName}',
    exitCode: ExitCode.config,
  });
}

function notImplemented(method: string, spec: ModelSpec): Error {
  return new Error(
    \`${engineClass}.\${method} is not implemented yet (vocabulary \${spec.vocabSize}, seed \${spec.seed}): fill it in in src/${engineFile}.ts\`,
  );
}
`;
  const optimizer = `import type {Optimizer, OptimizerFactory, OptimizerOptions, OptimizerState} from '@codex-ml/core';

/**
 * Plain SGD over Float32Array parameters, updated in place: p ← p − lr·(g + weightDecay·p). The optimizer of the
 * ${names.backend} engine (\`training.optimizer.name: ${optimizerName}\`); it has no slots, so its state is the step.
 */
export class ${optimizerClass} implements Optimizer<Float32Array> {
  readonly type = '${optimizerName}';
  #step = 0;

  constructor(private readonly options: OptimizerOptions) {}

  /** Entry point of the registered backend (see src/hooks/register.ts). */
  static create(): OptimizerFactory<Float32Array> {
    return {type: '${optimizerName}', engine: '${names.backend}', create: (options) => new ${optimizerClass}(options)};
  }

  get step(): number {
    return this.#step;
  }

  applyGradients(params: ReadonlyMap<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>, lr: number): void {
    const decay = this.options.weightDecay ?? 0;
    // Sorted, so that the order of updates never depends on map insertion order.
    for (const name of [...grads.keys()].sort()) {
      const param = params.get(name);
      const grad = grads.get(name);
      if (!param || !grad) throw new Error(\`${optimizerClass}: gradient for unknown parameter "\${name}"\`);
      for (let i = 0; i < param.length; i++) {
        const value = param[i] as number;
        param[i] = value - lr * ((grad[i] as number) + decay * value);
      }
    }
    this.#step++;
  }

  getState(): OptimizerState {
    const hyper = {learningRate: this.options.learningRate, weightDecay: this.options.weightDecay ?? 0};
    return {type: this.type, version: 1, step: this.#step, hyper, slots: {}};
  }

  setState(state: OptimizerState): void {
    if (state.type !== this.type) throw new Error(\`optimizer state is \${state.type}, this optimizer is \${this.type}\`);
    this.#step = state.step;
  }

  dispose(): void {}
}
`;
  const test = `import {float32ArrayAdapter, optimizerConformance, trainingEngineConformance} from '@codex-ml/core/testing';
import test from 'ava';
import {${engineClass}} from '../src/${engineFile}.js';
import {${optimizerClass}} from '../src/${optimizerFile}.js';

// The training-engine contract's conformance suite: one test per invariant; a failure names the invariant it breaks.
trainingEngineConformance(test, {
  name: 'training-engine ${names.backend}',
  engine: () => ${engineClass}.create({}),
  optimizer: () => ${optimizerClass}.create(),
  // The learning rate every step runs at; raise it if "training lowers the loss" needs more.
  optimizerOptions: {learningRate: 0.5},
});

// Its optimizer runs the optimizer contract's suite.
optimizerConformance(test, {
  name: 'optimizer ${optimizerName}',
  factory: () => ${optimizerClass}.create(),
  adapter: float32ArrayAdapter,
});
`;
  return {
    sources: [
      {path: `src/${engineFile}.ts`, text: engine},
      {path: `src/${optimizerFile}.ts`, text: optimizer},
    ],
    test: {path: `test/${engineFile}.test.ts`, text: test},
    entry: {file: `${engineFile}.js`, export: engineClass},
    alsoRegisters: [
      {
        contract: 'optimizer',
        name: optimizerName,
        file: `${optimizerFile}.js`,
        export: optimizerClass,
        description: `SGD for the ${names.backend} engine (${names.packageName})`,
      },
    ],
    since: '1.1.0',
    exports: {[engineFile]: [engineClass, `assertServes${names.pascal}`], [optimizerFile]: [optimizerClass]},
    implementGuide:
      `Fill in \`createModel()\` and \`createTrainableModel()\` in \`src/${engineFile}.ts\` (a model class with ` +
      '`evaluate`, `getWeights`/`setWeights`, and a trainable one adding `trainStep` and the optimizer state). ' +
      `\`src/${optimizerFile}.ts\` already works: it is the optimizer \`codex train\` hands the engine.`,
  };
}
