import {CodexError, ExitCode, type OptimizerOptions} from '@codex-ml/core';

/** Reads one dotted config key (a `ResolvedConfig.get`, or a lookup into a config snapshot). */
export type ConfigLookup = <T>(key: string) => T;

/** What the runner itself needs from `training.*`; the engine reads its own keys (architecture, backend). */
export interface RunnerOptions {
  readonly seed: number;
  readonly data: string;
  readonly tokenizer: string;
  readonly batchSize: number;
  readonly accumulationSteps: number;
  readonly contextLength: number;
  readonly steps: number;
  readonly epochs: number;
  readonly logInterval: number;
  readonly evalInterval: number;
  readonly evalBatches: number;
  readonly checkpointInterval: number;
  readonly keepLast: number;
  readonly earlyStopping: {readonly patience: number; readonly minDelta: number};
}

/**
 * Keys that may differ between a run and its resumption: they decide how long the run goes on and how much
 * it keeps, never what a given step computes.
 */
export const RESUMABLE_KEYS: readonly string[] = ['training.steps', 'training.epochs', 'training.checkpointInterval', 'training.keepLast'];

export function readRunnerOptions(get: ConfigLookup): RunnerOptions {
  return {
    seed: get<number>('training.seed'),
    data: get<string>('training.data'),
    tokenizer: get<string>('training.tokenizer'),
    batchSize: get<number>('training.batchSize'),
    accumulationSteps: get<number>('training.accumulationSteps'),
    contextLength: get<number>('training.model.contextLength'),
    steps: get<number>('training.steps'),
    epochs: get<number>('training.epochs'),
    logInterval: get<number>('training.logInterval'),
    evalInterval: get<number>('training.evalInterval'),
    evalBatches: get<number>('training.evalBatches'),
    checkpointInterval: get<number>('training.checkpointInterval'),
    keepLast: get<number>('training.keepLast'),
    earlyStopping: {patience: get<number>('training.earlyStopping.patience'), minDelta: get<number>('training.earlyStopping.minDelta')},
  };
}

/** Total optimizer steps: `training.steps`, or enough to cover `training.epochs` passes over the train split. */
export function totalSteps(options: RunnerOptions, windowsPerEpoch: number): number {
  if (options.epochs <= 0) return options.steps;
  const rowsPerStep = options.batchSize * options.accumulationSteps;
  return Math.max(1, Math.ceil((options.epochs * windowsPerEpoch) / rowsPerStep));
}

/** The inputs must be named before anything runs. */
export function requireInputs(options: RunnerOptions): void {
  for (const key of ['data', 'tokenizer'] as const) {
    if (options[key].trim() === '') {
      throw new CodexError('E_CONFIG', `training.${key} is not set`, {
        hint:
          key === 'data'
            ? 'set training.data to a data run id or manifest (codex prepare-data prints it)'
            : 'set training.tokenizer to a tokenizer.json (codex tokenizer:train --out DIR writes DIR/tokenizer.json)',
        exitCode: ExitCode.config,
      });
    }
  }
}

/**
 * What `OptimizerFactory.create` receives: the peak rate and weight decay every optimizer shares. Each
 * optimizer's own coefficients (Adam's betas) are its config block, which it was created with.
 */
export function optimizerOptions(get: ConfigLookup): OptimizerOptions {
  return {learningRate: get<number>('training.optimizer.learningRate'), weightDecay: get<number>('training.optimizer.weightDecay')};
}
