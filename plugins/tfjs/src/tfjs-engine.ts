import {readFile} from 'node:fs/promises';
import {
  type BackendOptions,
  CodexError,
  type EngineDescription,
  type EngineModel,
  ExitCode,
  type MemoryEstimate,
  type ModelSpec,
  type OptimizerFactory,
  type TrainableModel,
  type TrainingEngine,
  type TrainingSetup,
  servedEngine,
} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {type LoadedTfBackend, loadTfBackend} from './backend-loader.js';
import {estimateGptMemory} from './gpt-memory.js';
import {GptModel} from './gpt-model.js';
import {readTfjsEngineOptions, type TfjsEngineOptions} from './tfjs-engine-options.js';
import {TfjsModel} from './tfjs-model.js';
import {TfjsTrainableModel} from './tfjs-trainable-model.js';

/** The name this engine is registered under and its optimizers declare. */
export const TFJS_ENGINE = 'tfjs';

/**
 * The `training-engine` backend `tfjs`: GPT models on TensorFlow.js, trained by this plugin's optimizers.
 * Creating it makes the configured TensorFlow.js backend current, so a missing native package fails before
 * any work.
 */
export class TfjsEngine implements TrainingEngine {
  readonly name = TFJS_ENGINE;

  private constructor(
    readonly description: EngineDescription,
    private readonly options: TfjsEngineOptions,
  ) {}

  /** Entry point of the registered backend; `options` is the engine's config block. */
  static async create(options: BackendOptions = {}): Promise<TfjsEngine> {
    const settings = readTfjsEngineOptions(options);
    const loaded = await loadTfBackend(settings.backend);
    return new TfjsEngine({engine: TFJS_ENGINE, backend: loaded.name, versions: await engineVersions(loaded)}, settings);
  }

  async createModel(spec: ModelSpec): Promise<EngineModel> {
    return new TfjsModel(await this.#network(spec), this.description.versions['@codex-ml/plugin-tfjs']);
  }

  async createTrainableModel(spec: ModelSpec, setup: TrainingSetup): Promise<TrainableModel> {
    const factory = setup.optimizer;
    assertServesTfjs(factory);
    // The optimizer first: a bad hyper-parameter fails before a model is allocated.
    const optimizer = factory.create(setup.optimizerOptions);
    return new TfjsTrainableModel(
      await this.#network(spec),
      optimizer,
      {workers: workersFor(this.options.backend, setup.workers), clipNorm: setup.clipNorm, backend: this.options.backend},
      this.description.versions['@codex-ml/plugin-tfjs'],
    );
  }

  estimateMemory(spec: ModelSpec, batch: {readonly batchSize: number}): MemoryEstimate {
    return estimateGptMemory(
      {...this.options.model, vocabSize: spec.vocabSize, contextLength: spec.contextLength, batchSize: batch.batchSize},
      this.options.backend,
    );
  }

  /** Initialised with pauses for the event loop, so a large model's allocation still answers a signal. */
  #network(spec: ModelSpec): Promise<GptModel> {
    return GptModel.createResponsive({
      ...this.options.model,
      vocabSize: spec.vocabSize,
      contextLength: spec.contextLength,
      seed: spec.seed,
    });
  }
}

/**
 * Worker threads for `training.workers`: as asked, or when 0 (absent) one per core on the wasm and cpu
 * backends — native backends already spread each kernel over the cores, so they keep one.
 */
function workersFor(backend: TfjsEngineOptions['backend'], requested: number | undefined): number {
  if (requested !== undefined && requested > 0) return requested;
  return backend === 'wasm' || backend === 'cpu' ? 0 : 1;
}

/** Optimizers of this engine update `tf.Variable`s with `tf.Tensor` gradients; others are refused by name. */
function assertServesTfjs(factory: OptimizerFactory): asserts factory is OptimizerFactory<tf.Variable, tf.Tensor> {
  const engine = servedEngine(factory);
  if (engine === TFJS_ENGINE) return;
  throw new CodexError('E_OPTIMIZER_ENGINE', `optimizer "${factory.type}" serves the ${engine} engine, not ${TFJS_ENGINE}`, {
    hint: 'choose an optimizer of the tfjs engine: sgd, momentum, adam or adamw',
    exitCode: ExitCode.config,
  });
}

/** This plugin's version and the TensorFlow.js it runs (the backend packages share its version line). */
async function engineVersions(loaded: LoadedTfBackend): Promise<Record<string, string>> {
  let plugin = 'unknown';
  try {
    // dist/src/tfjs-engine.js → the plugin's package.json.
    const manifest: unknown = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    if (typeof manifest === 'object' && manifest !== null && 'version' in manifest && typeof manifest.version === 'string') {
      plugin = manifest.version;
    }
  } catch {
    // A repackaged plugin without its package.json still trains; the snapshot says "unknown".
  }
  const tfjs = tf.version.tfjs;
  return {'@codex-ml/plugin-tfjs': plugin, '@tensorflow/tfjs': tfjs, [loaded.package]: tfjs};
}
