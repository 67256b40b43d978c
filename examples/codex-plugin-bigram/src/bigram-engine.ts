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
import {BigramModel} from './bigram-model.js';
import {BigramTrainableModel} from './bigram-trainable-model.js';
import {seededNormals} from './seeded-normal.js';

/**
 * The bigram training engine: bigram language models in plain TypeScript (see `BigramModel`). Config
 * `training.engine: bigram` selects it, and `training.optimizer.name: bigram-sgd` the optimizer of
 * src/bigram-sgd-optimizer.ts that serves it. It reads no options of its own, and nothing in it is random
 * after the seeded initial weights, so a resumed run continues bitwise.
 */
export class BigramEngine implements TrainingEngine {
  readonly name = 'bigram';
  /** Nothing but this plugin computes, and the host records every plugin's version already. */
  readonly description: EngineDescription = {engine: 'bigram', backend: 'typescript', versions: {}};

  /** Entry point of the registered backend (see src/hooks/register.ts); `options` is the engine's config block. */
  static create(options: BackendOptions = {}): BigramEngine {
    return new BigramEngine(options);
  }

  constructor(readonly options: BackendOptions) {}

  async createModel(spec: ModelSpec): Promise<EngineModel> {
    return new BigramModel(spec.vocabSize, initialTransitions(spec));
  }

  async createTrainableModel(spec: ModelSpec, setup: TrainingSetup): Promise<TrainableModel> {
    assertServesBigram(setup.optimizer);
    const optimizer = setup.optimizer.create(setup.optimizerOptions);
    return new BigramTrainableModel(spec.vocabSize, initialTransitions(spec), optimizer, setup.clipNorm);
  }
}

/** Small seeded noise around uniform predictions (all-zero logits). */
function initialTransitions(spec: ModelSpec): Float32Array {
  return seededNormals(spec.seed, spec.vocabSize * spec.vocabSize, 0.02);
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
