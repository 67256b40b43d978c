import {readdir, stat} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {
  Backends,
  CodexError,
  ConfigSchema,
  type EngineModel,
  ExitCode,
  Hasher,
  type TrainingEngine,
  isRunId,
  listRunIds,
} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {InputLeases} from '../runs/input-leases.js';
import {RUN_MANIFEST_FILE} from '../runs/run-manifest-recorder.js';
import {type CheckpointContent, CheckpointStore} from '../training/checkpoint-store.js';
import {assertFitsInMemory} from '../training/memory-budget.js';
import {type ConfigSnapshot, SNAPSHOT_FILE, readSnapshot, resumeConfig} from '../training/config-snapshot.js';
import {bindRunEngine} from '../training/run-engine.js';
import {type TokenizerInput, loadTokenizerInput} from '../training/training-inputs.js';

const CHECKPOINT_NAME = /^step-\d{9}$/;

/** A training run (and optionally one of its checkpoints) named on the command line. */
export interface TrainedRunLocation {
  readonly runId: string;
  readonly runPath: string;
  readonly snapshot: ConfigSnapshot;
  /** A checkpoint directory, when one was named instead of the run. */
  readonly checkpoint?: string;
}

export interface LoadOptions {
  /** Where tokenizer run ids are looked up (`runs.dir`). */
  readonly runsDir: string;
  /** Refuse a run without its final manifest (still running, or killed). */
  readonly requireFinished?: boolean;
  /**
   * Refuse when the newest checkpoint fails verification, instead of falling back (with a warning) to the
   * newest one that verifies.
   */
  readonly strictCheckpoint?: boolean;
  /** Rows per batch the model will score at once, for the memory check before allocation (default 1). */
  readonly batchSize?: number;
  readonly onWarning?: (message: string) => void;
}

/**
 * Everything needed to use a trained model: its tokenizer, and the model built by the engine the run trained
 * with, holding the verified checkpoint's weights. The caller disposes `model`.
 */
export interface LoadedTrainedRun {
  readonly runId: string;
  readonly runPath: string;
  readonly snapshot: ConfigSnapshot;
  readonly tokenizer: TokenizerInput;
  readonly checkpoint: {readonly path: string; readonly step: number; readonly content: CheckpointContent};
  readonly engine: TrainingEngine;
  readonly model: EngineModel;
  readonly contextLength: number;
}

/**
 * Finds a trained model — `latest`, a run id, a run directory or a checkpoint directory — and loads it with the
 * tokenizer and engine settings its run recorded (`config.snapshot`), after verifying the tokenizer checksum
 * and the checkpoint's files. Each refusal is one line naming the run, file or value at fault.
 */
@injectable()
export class TrainedRunLoader {
  constructor(
    @inject(Hasher) private readonly hasher: Hasher,
    @inject(Backends) private readonly backends: Backends,
    @inject(ConfigSchema) private readonly schema: ConfigSchema,
  ) {}

  async locate(spec: string, runsDir: string): Promise<TrainedRunLocation> {
    if (spec === 'latest') {
      for (const runId of [...(await listRunIds(runsDir))].reverse()) {
        const runPath = join(resolve(runsDir), runId);
        if ((await exists(join(runPath, SNAPSHOT_FILE))) && (await this.#hasCheckpoint(runPath))) {
          return {runId, runPath, snapshot: await readSnapshot(runPath)};
        }
      }
      throw new CodexError('E_RUN_NOT_FOUND', `latest: no training run with a checkpoint in ${runsDir}`, {
        hint: 'train one with codex train, or pass --run-dir where your runs are',
        exitCode: ExitCode.input,
      });
    }
    if (isRunId(spec) && !(await exists(spec))) {
      const runPath = join(resolve(runsDir), spec);
      if (!(await exists(runPath))) {
        throw new CodexError('E_RUN_NOT_FOUND', `run ${spec} does not exist in ${runsDir}`, {
          hint: 'codex runs:list shows the runs there; pass --run-dir where the run lives',
          exitCode: ExitCode.input,
        });
      }
      return {runId: spec, runPath, snapshot: await readSnapshot(runPath)};
    }
    const path = resolve(spec);
    if (!(await exists(path))) {
      throw new CodexError('E_RUN_NOT_FOUND', `${spec}: no such run or checkpoint`, {
        hint: 'pass latest, a training run id, a run directory or a checkpoint directory',
        exitCode: ExitCode.input,
      });
    }
    const isCheckpoint = CHECKPOINT_NAME.test(basename(path)) && basename(dirname(path)) === 'checkpoints';
    const runPath = isCheckpoint ? dirname(dirname(path)) : path;
    const snapshot = await readSnapshot(runPath);
    return {runId: snapshot.runId, runPath, snapshot, ...(isCheckpoint ? {checkpoint: path} : {})};
  }

  /** Loads under a lease on the run (and its tokenizer's run), so runs:gc cannot remove them mid-read. */
  async load(location: TrainedRunLocation, options: LoadOptions): Promise<LoadedTrainedRun> {
    const leases = await InputLeases.take([location.runPath, location.snapshot.inputs.tokenizer.path], options.runsDir);
    try {
      return await this.#load(location, options);
    } finally {
      await leases.release();
    }
  }

  async #load(location: TrainedRunLocation, options: LoadOptions): Promise<LoadedTrainedRun> {
    const warn = options.onWarning ?? (() => undefined);
    const {snapshot, runPath} = location;
    if (options.requireFinished && !(await exists(join(runPath, RUN_MANIFEST_FILE)))) {
      throw new CodexError('E_RUN_UNFINISHED', `training run ${snapshot.runId} did not finish (it has no ${RUN_MANIFEST_FILE})`, {
        hint: `let it finish, or continue it with codex train --resume ${runPath}`,
        exitCode: ExitCode.input,
      });
    }
    const hasher = this.hasher;
    const tokenizer = await loadTokenizerInput(snapshot.inputs.tokenizer.path, options.runsDir, this.backends, hasher);
    if (tokenizer.checksum !== snapshot.inputs.tokenizer.checksum) {
      throw new CodexError(
        'E_DRIFT',
        `${tokenizer.path} changed since training run ${snapshot.runId} used it (expected ${snapshot.inputs.tokenizer.checksum}, found ${tokenizer.checksum})`,
        {hint: 'restore the tokenizer the run was trained with', exitCode: ExitCode.integrity},
      );
    }
    const store = new CheckpointStore(runPath, snapshot.runId, hasher);
    const checkpoint = location.checkpoint
      ? {path: location.checkpoint, content: await store.load(location.checkpoint)}
      : await this.#newestCheckpoint(store, snapshot.runId, options.strictCheckpoint === true, warn);
    // The engine and model shape the run trained with, whatever the current config says.
    const config = await resumeConfig(snapshot, [], this.schema);
    const engine = await bindRunEngine(this.backends, config, snapshot.runId);
    const contextLength = config.get<number>('training.model.contextLength');
    const spec = {vocabSize: tokenizer.tokenizer.vocabSize, contextLength, seed: snapshot.seed};
    // Scoring holds a batch's activations too: refused before allocation when it cannot fit.
    assertFitsInMemory(engine, spec, options.batchSize ?? 1);
    const model = await engine.createModel(spec);
    try {
      await model.setWeights(checkpoint.content.weights);
    } catch (error) {
      await model.dispose();
      throw error;
    }
    return {
      runId: snapshot.runId,
      runPath,
      snapshot,
      tokenizer,
      checkpoint: {path: checkpoint.path, step: checkpoint.content.step, content: checkpoint.content},
      engine,
      model,
      contextLength,
    };
  }

  async #newestCheckpoint(
    store: CheckpointStore,
    runId: string,
    strict: boolean,
    warn: (message: string) => void,
  ): Promise<{path: string; content: CheckpointContent}> {
    const checkpoints = await store.list();
    if (checkpoints.length === 0) {
      throw new CodexError('E_CHECKPOINT', `training run ${runId} has no checkpoint`, {
        hint: 'train with training.checkpointInterval at most training.steps, or resume the run to write one',
        exitCode: ExitCode.input,
      });
    }
    for (const checkpoint of checkpoints) {
      try {
        return {path: checkpoint.path, content: await store.load(checkpoint.path)};
      } catch (error) {
        if (strict) throw error;
        warn(
          `checkpoint ${checkpoint.name} is unusable (${error instanceof Error ? error.message : String(error)}); using the previous one`,
        );
      }
    }
    throw new CodexError('E_CHECKPOINT', `training run ${runId} has no intact checkpoint`, {
      hint: 'every checkpoint failed verification; resume the run to write a new one',
      exitCode: ExitCode.integrity,
    });
  }

  async #hasCheckpoint(runPath: string): Promise<boolean> {
    const names = await readdir(join(runPath, 'checkpoints')).catch(() => [] as string[]);
    return names.some((name) => CHECKPOINT_NAME.test(name));
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
