import {rm} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {
  Backends,
  CodexError,
  ExitCode,
  Hasher,
  type Manifest,
  RunDirectory,
  isRunId,
  prepareRunsDir,
  writeFileAtomic,
} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import type {RunLabels} from '../runs/run-labels.js';
import {TrainedRunLoader} from '../generation/trained-run-loader.js';
import {InputLeases, runDirectoryOf} from '../runs/input-leases.js';
import {RUN_MANIFEST_FILE, recordRunManifest} from '../runs/run-manifest-recorder.js';
import {evaluationBatches} from '../training/batch-sampler.js';
import {readSnapshot} from '../training/config-snapshot.js';
import {RunArtifacts} from '../training/run-artifacts.js';
import {TokenCache} from '../training/token-cache.js';
import {resolveDataInput, tokenCacheInputs} from '../training/training-inputs.js';
import {meanLoss} from '../training/training-runner.js';

export interface EvaluateRequest {
  /** A training run: its id (looked up in `runsDir`) or its directory. */
  readonly trainingRun: string;
  readonly runsDir: string;
  readonly cacheDir: string;
  /** Data run whose split is scored; default: the training run's own data run. */
  readonly dataRun?: string;
  /** Split to score. */
  readonly split: string;
  readonly batchSize: number;
  /** 0 = every window of the split. */
  readonly maxBatches: number;
  /** `run.name` / `run.tags` for the evaluation run's manifest (`runLabels` of the command's config). */
  readonly labels?: RunLabels;
  readonly onWarning?: (message: string) => void;
  /** Called after each batch scored with (batches done, batches in all). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface EvaluationResult {
  readonly runId: string;
  readonly runDir: string;
  /** The run's manifest file, `<runDir>/manifest.json`. */
  readonly manifest: string;
  readonly trainingRunId: string;
  readonly dataRunId: string;
  readonly split: string;
  /** Step of the checkpoint scored. */
  readonly step: number;
  /** Mean next-token cross-entropy (nats) over every scored token. */
  readonly loss: number;
  readonly perplexity: number;
  readonly tokens: number;
}

export const EVALUATION_FILE = 'evaluation.json';

/**
 * Scores the newest intact checkpoint of a training run on a held-out split (of its own data run, or of a newer
 * one whose training splits are unchanged — what the pipeline passes), with the
 * model, tokenizer and context length the run was trained with (read from its config.snapshot), over the
 * fixed consecutive windows the runner uses for validation. Records the result as an `evaluation` run whose
 * parents are the training run and the data run.
 */
@injectable()
export class EvaluationService {
  constructor(
    @inject(Hasher) private readonly hasher: Hasher,
    @inject(Backends) private readonly backends: Backends,
    @inject(TrainedRunLoader) private readonly loader: TrainedRunLoader,
  ) {}

  async evaluate(request: EvaluateRequest): Promise<EvaluationResult> {
    await prepareRunsDir(request.runsDir, 'runs.dir', {create: false});
    const trainingPath = isRunId(request.trainingRun) ? join(resolve(request.runsDir), request.trainingRun) : resolve(request.trainingRun);
    // The runs read are leased before they are read, so runs:gc cannot remove them meanwhile.
    const leases = await InputLeases.take([trainingPath], request.runsDir);
    try {
      return await this.#evaluate(request, trainingPath, leases);
    } finally {
      await leases.release();
    }
  }

  async #evaluate(request: EvaluateRequest, trainingPath: string, leases: InputLeases): Promise<EvaluationResult> {
    const warn = request.onWarning ?? (() => undefined);
    const snapshot = await readSnapshot(trainingPath);
    const dataRun = await runDirectoryOf(request.dataRun ?? snapshot.parents.data, request.runsDir);
    if (dataRun) await leases.add(dataRun);
    const {hasher, loader} = this;
    const data = await resolveDataInput(request.dataRun ?? snapshot.parents.data, {
      runsDir: request.runsDir,
      cacheDir: request.cacheDir,
      // The token cache holds two splits; evaluation needs only the scored one, so both slots name it rather
      // than tokenizing the (much larger) train split for nothing.
      trainSplit: request.split,
      valSplit: request.split,
      backends: this.backends,
    });
    // No optimizer: scoring only reads weights, into a model of the engine the run trained with.
    const {model, tokenizer, contextLength, checkpoint} = await loader.load(await loader.locate(trainingPath, request.runsDir), {
      runsDir: request.runsDir,
      batchSize: request.batchSize,
      onWarning: warn,
    });
    const {step} = checkpoint;
    try {
      // The token cache scores the requested split in its "val" slot, tokenized exactly as in training.
      const cache = await new TokenCache(request.cacheDir, hasher).load(tokenCacheInputs(tokenizer, data), warn);
      const batches = evaluationBatches(cache.val, {
        batchSize: request.batchSize,
        contextLength,
        maxBatches: request.maxBatches > 0 ? request.maxBatches : Number.MAX_SAFE_INTEGER,
      });
      if (batches.length === 0) {
        throw new CodexError(
          'E_DATA',
          `split "${request.split}" of data run ${data.runId} has ${cache.val.length} tokens, fewer than one window of ${contextLength + 1}`,
          {hint: 'evaluate a larger split (evaluation.split) or train with a shorter context', exitCode: ExitCode.input},
        );
      }
      const {loss, tokens} = await meanLoss(model, batches, request.onProgress);
      if (!Number.isFinite(loss)) {
        throw new CodexError('E_NON_FINITE', `training run ${snapshot.runId} step ${step}: the ${request.split} loss is ${loss}`, {
          hint: 'the checkpoint holds non-finite weights; retrain with a lower learning rate',
        });
      }
      return await this.#record(request, {
        trainingRunId: snapshot.runId,
        dataRunId: data.runId,
        datasetIds: data.datasetIds,
        split: request.split,
        step,
        loss,
        perplexity: Math.exp(loss),
        tokens,
      });
    } finally {
      await model.dispose();
    }
  }

  async #record(
    request: EvaluateRequest,
    result: Omit<EvaluationResult, 'runId' | 'runDir' | 'manifest'> & {readonly datasetIds: readonly string[]},
  ): Promise<EvaluationResult> {
    const {hasher} = this;
    const run = await RunDirectory.create(request.runsDir, {discardIfUnfinished: true});
    try {
      const {datasetIds, ...summary} = result;
      await writeFileAtomic(run.file(EVALUATION_FILE), `${JSON.stringify(summary, null, 2)}\n`);
      const manifest: Manifest = {
        schemaVersion: 1,
        kind: 'evaluation',
        runId: run.runId,
        parents: [result.dataRunId, result.trainingRunId].sort(),
        createdAt: new Date().toISOString(),
        ...request.labels,
        datasetIds,
        ...summary,
        artifacts: await new RunArtifacts(run.path, hasher).list(),
      };
      await recordRunManifest(
        this.backends,
        {path: run.path, runsDir: resolve(request.runsDir)},
        manifest,
        request.onWarning ?? (() => undefined),
      );
      return {runId: run.runId, runDir: run.path, manifest: join(run.path, RUN_MANIFEST_FILE), ...summary};
    } catch (error) {
      // Nothing of a failed evaluation is worth keeping.
      await run.release();
      await rm(run.path, {recursive: true, force: true});
      throw error;
    } finally {
      await run.release();
    }
  }
}
