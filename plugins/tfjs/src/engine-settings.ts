import type {OptimizerOptions} from '@codex-ml/core';
import type {TfBackendName} from './backend-loader.js';

/** Anything with `get(key)`, such as core's `ResolvedConfig`. */
export interface ConfigReader {
  get<T = unknown>(key: string): T;
}

/** The engine's share of `training.*`, typed. Vocabulary size and seed come from the runner. */
export interface EngineSettings {
  readonly backend: TfBackendName;
  readonly model: {
    readonly layers: number;
    readonly heads: number;
    readonly dModel: number;
    readonly contextLength: number;
    readonly dropout: number;
    readonly tiedEmbeddings: boolean;
  };
  /** `training.optimizer.name`: the `optimizer` backend to bind. */
  readonly optimizerName: string;
  /** What to pass to that backend's `OptimizerFactory.create`. */
  readonly optimizer: OptimizerOptions;
  readonly schedule: {readonly name: string; readonly warmupSteps: number; readonly minLearningRate: number};
  readonly clipNorm: number;
  readonly accumulationSteps: number;
}

/** Reads the engine keys of a resolved config (already validated by the schema). */
export function readEngineSettings(config: ConfigReader): EngineSettings {
  const number = (key: string) => config.get<number>(`training.${key}`);
  return {
    backend: config.get<TfBackendName>('training.backend'),
    model: {
      layers: number('model.layers'),
      heads: number('model.heads'),
      dModel: number('model.dModel'),
      contextLength: number('model.contextLength'),
      dropout: number('model.dropout'),
      tiedEmbeddings: config.get<boolean>('training.model.tiedEmbeddings'),
    },
    optimizerName: config.get<string>('training.optimizer.name'),
    optimizer: {
      learningRate: number('optimizer.learningRate'),
      weightDecay: number('optimizer.weightDecay'),
      params: {
        beta1: number('optimizer.beta1'),
        beta2: number('optimizer.beta2'),
        epsilon: number('optimizer.epsilon'),
        momentum: number('optimizer.momentum'),
      },
    },
    schedule: {
      name: config.get<string>('training.schedule.name'),
      warmupSteps: number('schedule.warmupSteps'),
      minLearningRate: number('schedule.minLearningRate'),
    },
    clipNorm: number('clipNorm'),
    accumulationSteps: number('accumulationSteps'),
  };
}
