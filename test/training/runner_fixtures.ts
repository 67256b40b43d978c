import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {type Hasher, Kernel, type ResolvedConfig, type TrainableModel, resolveConfig} from '@codex-ml/core';
import {Sha256Hasher} from '@codex-ml/plugin-hashers/dist/src/sha256-hasher.js';
import {BatchSampler} from '../../src/services/training/batch-sampler.js';
import {CheckpointStore} from '../../src/services/training/checkpoint-store.js';
import {MetricsLog} from '../../src/services/training/metrics-log.js';
import {scheduleFor} from '../../src/services/training/learning-rate-schedule.js';
import {optimizerOptions, readRunnerOptions, totalSteps} from '../../src/services/training/training-options.js';
import {type RunnerResult, type TrainingProgress, TrainingRunner} from '../../src/services/training/training-runner.js';
import {bundledRegistry} from '../helpers/bundled-registry.js';

/** Config resolves against the keys the bundled plugins contribute, as in the CLI. */
const registry = await bundledRegistry();

/** A model small enough that a dozen steps take well under a second on wasm. */
export const TINY_MODEL = [
  'training.tfjs.layers=1',
  'training.tfjs.dModel=32',
  'training.tfjs.heads=2',
  'training.model.contextLength=16',
  'training.batchSize=4',
];

export const TOY_VOCAB = 40;

/** A learnable toy sequence: a repeating pattern with a little seeded variation. */
export function toyTokens(length: number, seed = 7): Uint16Array {
  const tokens = new Uint16Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    tokens[index] = (index % 10) * 3 + (state >>> 30);
  }
  return tokens;
}

export function tinyConfig(extra: readonly string[] = []): ResolvedConfig {
  return resolveConfig({sets: [...TINY_MODEL, 'training.evalBatches=2', ...extra], schema: registry.schema});
}

export async function sha256(): Promise<Hasher> {
  return Sha256Hasher.create();
}

/** The trainable model `codex train` builds for this config: engine and optimizer bound as the CLI binds them. */
export async function trainableModelFor(config: ResolvedConfig, vocabSize: number): Promise<TrainableModel> {
  const get = <T>(key: string): T => config.get<T>(key);
  const kernel = new Kernel(registry, config);
  const engine = await kernel.bind('training-engine');
  const optimizer = await kernel.bind('optimizer');
  return await engine.createTrainableModel(
    {vocabSize, contextLength: get<number>('training.model.contextLength'), seed: get<number>('training.seed')},
    {optimizer, optimizerOptions: optimizerOptions(get), clipNorm: get<number>('training.clipNorm')},
  );
}

export interface ToyRun {
  readonly dir: string;
  readonly result: RunnerResult;
}

/** Runs the real runner with the real engine on toy tokens in `dir`; `stopAfter` aborts as a crash would. */
export async function runToy(
  dir: string,
  config: ResolvedConfig,
  options: {readonly resume?: boolean; readonly stopAfter?: number; readonly onProgress?: (progress: TrainingProgress) => void} = {},
): Promise<ToyRun> {
  const runner = readRunnerOptions((key) => config.get(key));
  const train = toyTokens(4000);
  const total = totalSteps(runner, BatchSampler.windowsPerEpoch(train.length, runner.contextLength));
  const model = await trainableModelFor(config, TOY_VOCAB);
  const schedule = scheduleFor((key) => config.get(key), total);
  const checkpoints = new CheckpointStore(dir, '01JTESTRUN0000000000000000', await sha256());
  try {
    let resume: Awaited<ReturnType<CheckpointStore['loadLatest']>>;
    if (options.resume) {
      resume = await checkpoints.loadLatest(() => undefined);
      await checkpoints.discardAfter(resume?.checkpoint.step ?? -1);
    }
    const metrics = await MetricsLog.open(
      join(dir, 'metrics.ndjson'),
      options.resume ? {keepThroughStep: resume?.checkpoint.step ?? 0} : {},
    );
    try {
      const result = await new TrainingRunner().run({
        options: runner,
        totalSteps: total,
        model,
        learningRate: (step) => schedule.at(step - 1),
        train,
        val: toyTokens(600, 11),
        checkpoints,
        metrics,
        resume: resume?.content,
        onProgress: (progress) => {
          options.onProgress?.(progress);
          if (options.stopAfter !== undefined && progress.step >= options.stopAfter) throw new SimulatedCrash(progress.step);
        },
      });
      return {dir, result};
    } finally {
      await metrics.close();
    }
  } finally {
    await model.dispose();
  }
}

export class SimulatedCrash extends Error {
  constructor(readonly step: number) {
    super(`simulated crash after step ${step}`);
  }
}

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-train-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

/** Metrics lines without the wall-clock fields, which legitimately differ between two runs. */
export function deterministicFields(lines: readonly object[]): Record<string, unknown>[] {
  return lines.map((line) => {
    const {tokens_per_s: _rate, elapsed: _elapsed, ...rest} = line as Record<string, unknown>;
    return rest;
  });
}
