import {CodexError, type EngineModel, ExitCode, type Hasher, type Kernel, type ResolvedConfig} from '@codex-ml/core';
import {type CheckpointContent, CheckpointStore} from './checkpoint-store.js';
import {type ConfigSnapshot, readSnapshot, resumeConfig} from './config-snapshot.js';
import {bindRunEngine} from './run-engine.js';
import {type TokenizerInput, loadTokenizerInput} from './training-inputs.js';

/** A model of a training run, its weights those of the run's newest intact checkpoint. */
export interface LoadedModel {
  readonly model: EngineModel;
  /** Step of the checkpoint loaded. */
  readonly step: number;
}

/**
 * A finished or interrupted training run, opened for use (evaluation, inference): its config snapshot, the
 * config it was trained with, and its tokenizer, checked against the checksum the run recorded. Nothing of
 * the run is changed.
 */
export class TrainedRun {
  private constructor(
    private readonly kernel: Kernel,
    private readonly hasher: Hasher,
    readonly path: string,
    readonly snapshot: ConfigSnapshot,
    /** The run's own config: its engine, model shape and context length. */
    readonly config: ResolvedConfig,
    readonly tokenizer: TokenizerInput,
  ) {}

  /** Opens the run at `path`; a tokenizer changed since the run used it is refused (`E_DRIFT`). */
  static async open(kernel: Kernel, path: string, options: {readonly runsDir: string; readonly hasher: Hasher}): Promise<TrainedRun> {
    const snapshot = await readSnapshot(path);
    const config = await resumeConfig(snapshot, []);
    const tokenizer = await loadTokenizerInput(snapshot.inputs.tokenizer.path, options.runsDir, kernel.registry, options.hasher);
    if (tokenizer.checksum !== snapshot.inputs.tokenizer.checksum) {
      throw new CodexError(
        'E_DRIFT',
        `${tokenizer.path} changed since training run ${snapshot.runId} used it (expected ${snapshot.inputs.tokenizer.checksum}, found ${tokenizer.checksum})`,
        {hint: 'restore the tokenizer the run was trained with', exitCode: ExitCode.integrity},
      );
    }
    return new TrainedRun(kernel, options.hasher, path, snapshot, config, tokenizer);
  }

  get contextLength(): number {
    return this.config.get<number>('training.model.contextLength');
  }

  /**
   * The newest checkpoint that verifies (older ones are tried in turn, each skipped one reported through `warn`),
   * loaded into a model of the run's engine, built from the run's config and without an optimizer.
   */
  async loadModel(warn: (message: string) => void): Promise<LoadedModel> {
    const checkpoint = await newestIntactCheckpoint(
      new CheckpointStore(this.path, this.snapshot.runId, this.hasher),
      this.snapshot.runId,
      warn,
    );
    const engine = await bindRunEngine(this.kernel, this.config, this.snapshot.runId);
    const model = await engine.createModel({
      vocabSize: this.tokenizer.tokenizer.vocabSize,
      contextLength: this.contextLength,
      seed: this.snapshot.seed,
    });
    try {
      await model.setWeights(checkpoint.weights);
    } catch (error) {
      await model.dispose();
      throw error;
    }
    return {model, step: checkpoint.step};
  }
}

async function newestIntactCheckpoint(store: CheckpointStore, runId: string, warn: (message: string) => void): Promise<CheckpointContent> {
  for (const checkpoint of await store.list()) {
    try {
      return await store.load(checkpoint.path);
    } catch (error) {
      warn(
        `checkpoint ${checkpoint.name} is unusable (${error instanceof Error ? error.message : String(error)}); trying the previous one`,
      );
    }
  }
  throw new CodexError('E_CHECKPOINT', `training run ${runId} has no intact checkpoint to load`, {
    hint: 'train with training.checkpointInterval at most training.steps, or resume the run to write one',
    exitCode: ExitCode.integrity,
  });
}
