import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {dirname, join, sep} from 'node:path';
import type {OptimizerFactory} from '@codex-ml/core';
import type {TokenBatch} from './batch-sampler.js';
import type {NamedTensor} from './checkpoint-store.js';
import type {ConfigLookup} from './training-options.js';
import type {EngineDescription, StepOutcome, TrainableModel, TrainingEngine} from './training-engine.js';

type EngineModule = typeof import('@codex-ml/plugin-tfjs');
type Model = ReturnType<EngineModule['GptModel']['create']>;
type EngineOptimizer = Parameters<EngineModule['trainStep']>[1];

/**
 * The TensorFlow.js engine of `@codex-ml/plugin-tfjs` behind the runner's `TrainingEngine` port. The plugin
 * is imported on first use only, so `codex --help` and every other command never load TensorFlow.js.
 * Validation of the engine's settings (backend, model shape, schedule) happens in `load`, before the runner
 * does any work.
 */
export async function loadTfjsEngine(
  get: ConfigLookup,
  options: {readonly seed: number; readonly totalSteps: number; readonly optimizer: () => Promise<OptimizerFactory>},
): Promise<TrainingEngine> {
  const engine: EngineModule = await import('@codex-ml/plugin-tfjs');
  const settings = engine.readEngineSettings({get});
  const scheduleFor = (totalSteps: number) =>
    engine.createSchedule({...settings.schedule, learningRate: settings.optimizer.learningRate, totalSteps});
  // Built now so that a bad schedule setting fails before any work; rebuilt when the run length is known.
  let schedule = scheduleFor(options.totalSteps);
  let scheduleSteps = options.totalSteps;
  const factory = (await options.optimizer()) as unknown as OptimizerFactory<never, never>;
  const loaded = await engine.loadTfBackend(settings.backend);
  const versions = await engineVersions();
  const description: EngineDescription = {
    backend: loaded.name,
    versions: {...versions, [loaded.package]: versions['@tensorflow/tfjs'] ?? 'unknown'},
  };
  return {
    description,
    // The schedule counts updates from 0; the runner numbers them from 1.
    learningRate: (step, totalSteps) => {
      if (totalSteps !== scheduleSteps) {
        schedule = scheduleFor(totalSteps);
        scheduleSteps = totalSteps;
      }
      return schedule.at(step - 1);
    },
    async createModel(vocabSize: number): Promise<TrainableModel> {
      const model = await engine.GptModel.createResponsive({...settings.model, vocabSize, seed: options.seed});
      const optimizer = factory.create(settings.optimizer) as unknown as EngineOptimizer;
      return new TfjsTrainableModel(engine, model, optimizer, settings.clipNorm);
    },
    dispose: () => undefined,
  };
}

class TfjsTrainableModel implements TrainableModel {
  #lastBatches: readonly TokenBatch[] = [];

  constructor(
    private readonly engine: EngineModule,
    private readonly model: Model,
    private readonly optimizer: EngineOptimizer,
    private readonly clipNorm: number,
  ) {}

  get parameterCount(): number {
    return this.model.parameterCount;
  }

  get parameterNames(): readonly string[] {
    return [...this.model.params.keys()];
  }

  trainStep(microBatches: readonly TokenBatch[], _step: number, lr: number): StepOutcome {
    this.#lastBatches = microBatches;
    const result = this.engine.trainStep(this.model, this.optimizer, microBatches, {lr, clipNorm: this.clipNorm});
    return {loss: result.loss, gradNorm: result.gradNorm};
  }

  /** Recomputes the gradients of the failed step's first micro-batch to name the tensors that overflowed. */
  nonFiniteTensors(): string[] {
    const names: string[] = [];
    for (const [name, values] of this.model.getWeights()) if (!allFinite(values)) names.push(`weight ${name}`);
    const batch = this.#lastBatches[0];
    if (batch) {
      const {grads} = this.engine.computeGradients(this.model, batch, this.engine.mixSeed(this.optimizer.step, 0));
      for (const [name, grad] of [...grads].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (!allFinite(grad.dataSync() as Float32Array)) names.push(`gradient of ${name}`);
        grad.dispose();
      }
    }
    return names;
  }

  evaluate(batch: TokenBatch): number {
    return this.engine.evaluateLoss(this.model, batch);
  }

  getWeights(): NamedTensor[] {
    return [...this.model.getWeights()].map(([name, data]) => ({
      name,
      shape: [...(this.model.params.get(name)?.shape ?? [data.length])],
      data,
    }));
  }

  setWeights(weights: readonly NamedTensor[]): void {
    this.model.setWeights(new Map(weights.map((tensor) => [tensor.name, tensor.data])));
  }

  getOptimizerState() {
    return this.optimizer.getState();
  }

  setOptimizerState(state: ReturnType<EngineOptimizer['getState']>): void {
    this.optimizer.setState(state);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}

function allFinite(values: Float32Array): boolean {
  for (const value of values) if (!Number.isFinite(value)) return false;
  return true;
}

/** Versions recorded in the config snapshot: the engine plugin and the TensorFlow.js it runs on. */
async function engineVersions(): Promise<Record<string, string>> {
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  const pluginManifest = require.resolve('@codex-ml/plugin-tfjs/package.json');
  versions['@codex-ml/plugin-tfjs'] = await versionAt(pluginManifest);
  try {
    const entry = createRequire(pluginManifest).resolve('@tensorflow/tfjs');
    const marker = `${sep}node_modules${sep}@tensorflow${sep}tfjs${sep}`;
    const root = entry.includes(marker) ? entry.slice(0, entry.indexOf(marker) + marker.length) : dirname(entry);
    versions['@tensorflow/tfjs'] = await versionAt(join(root, 'package.json'));
  } catch {
    versions['@tensorflow/tfjs'] = 'unknown';
  }
  return versions;
}

async function versionAt(path: string): Promise<string> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as {version?: unknown};
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
