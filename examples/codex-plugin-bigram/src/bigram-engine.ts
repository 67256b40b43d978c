import {
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
 * The bigram training engine. Config `training.engine: bigram` selects it, and
 * `training.optimizer.name: bigram-sgd` the optimizer of src/bigram-sgd-optimizer.ts that serves it.
 *
 * Fill in createModel() and createTrainableModel(): models keep their weights as named Float32Arrays (sorted by
 * name), evaluate() returns the mean next-token cross-entropy in nats and changes nothing, and trainStep()
 * averages the gradients of its micro-batches, clips them to setup.clipNorm and hands them to the optimizer
 * (setup.optimizer.create(setup.optimizerOptions)). Derive every random number from spec.seed and the step:
 * resuming from a checkpoint must continue bitwise.
 */
export class BigramEngine implements TrainingEngine {
  readonly name = 'bigram';
  readonly description: EngineDescription = {engine: 'bigram', backend: 'typescript', versions: {}};

  /** Entry point of the registered backend (see src/hooks/register.ts); `options` is the engine's config block. */
  static create(options: BackendOptions = {}): BigramEngine {
    return new BigramEngine(options);
  }

  constructor(readonly options: BackendOptions) {}

  async createModel(spec: ModelSpec): Promise<EngineModel> {
    throw notImplemented('createModel', spec);
  }

  async createTrainableModel(spec: ModelSpec, setup: TrainingSetup): Promise<TrainableModel> {
    assertServesBigram(setup.optimizer);
    throw notImplemented('createTrainableModel', spec);
  }
}

/** Optimizers of this engine update Float32Array parameters in place; those of other engines are refused by name. */
export function assertServesBigram(factory: OptimizerFactory): asserts factory is OptimizerFactory<Float32Array> {
  const engine = servedEngine(factory);
  if (engine === 'bigram') return;
  throw new CodexError('E_OPTIMIZER_ENGINE', `optimizer "${factory.type}" serves the ${engine} engine, not bigram`, {
    hint: 'set training.optimizer.name to bigram-sgd',
    exitCode: ExitCode.config,
  });
}

function notImplemented(method: string, spec: ModelSpec): Error {
  return new Error(
    `BigramEngine.${method} is not implemented yet (vocabulary ${spec.vocabSize}, seed ${spec.seed}): fill it in in src/bigram-engine.ts`,
  );
}
