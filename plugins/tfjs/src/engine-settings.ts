import type {OptimizerOptions} from '@codex-ml/core';
import type {TfBackendName} from './backend-loader.js';
import {TFJS_CONFIG_SECTION} from './config-keys.js';

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
  /** What to pass to that backend's `OptimizerFactory.create`; its own keys (betas, …) it brings from its config block. */
  readonly optimizer: OptimizerOptions;
  readonly schedule: {readonly name: string; readonly warmupSteps: number; readonly minLearningRate: number};
  readonly clipNorm: number;
  readonly accumulationSteps: number;
}

/** Reads the engine keys (`training.tfjs.*`) and the runner keys it shares, from a resolved config. */
export function readEngineSettings(config: ConfigReader): EngineSettings {
  const number = (key: string) => config.get<number>(`training.${key}`);
  const own = <T>(key: string) => config.get<T>(`${TFJS_CONFIG_SECTION}.${key}`);
  return {
    backend: own<TfBackendName>('backend'),
    model: {
      layers: own<number>('layers'),
      heads: own<number>('heads'),
      dModel: own<number>('dModel'),
      contextLength: number('model.contextLength'),
      dropout: own<number>('dropout'),
      tiedEmbeddings: own<boolean>('tiedEmbeddings'),
    },
    optimizerName: config.get<string>('training.optimizer.name'),
    optimizer: {learningRate: number('optimizer.learningRate'), weightDecay: number('optimizer.weightDecay')},
    schedule: {
      name: config.get<string>('training.schedule.name'),
      warmupSteps: number('schedule.warmupSteps'),
      minLearningRate: number('schedule.minLearningRate'),
    },
    clipNorm: number('clipNorm'),
    accumulationSteps: number('accumulationSteps'),
  };
}
