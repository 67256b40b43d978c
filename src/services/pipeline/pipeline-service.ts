import {join, resolve} from 'node:path';
import {type Hasher, type Manifest, type ManifestStore, canonicalJson, checksumOf} from '@codex-ml/core';
import {DataManifestReader} from '../data/data-manifest-reader.js';
import type {EvaluationResult} from '../evaluation/evaluation-service.js';
import type {RunReport} from '../runs/report/run-report-service.js';
import type {TrainTokenizerResult} from '../tokenization/tokenizer-training-service.js';
import type {TrainResult} from '../training/training-service.js';
import {InputLeases, runDirectoryOf} from '../runs/input-leases.js';
import type {RunVerifier} from '../runs/run-verifier.js';
import {type PipelineStage, type StageClock, type StageOutcome, runInputStages, stageClock} from './input-stages.js';
import {StageCache, type StageName} from './stage-cache.js';
import type {StageRunner} from './stage-runner.js';

export interface PipelineRequest {
  /** Arguments that give every stage the pipeline's config files (its packaged defaults, the user's files). */
  readonly configArgs: readonly string[];
  /** `--set` overrides passed to every stage, in order. */
  readonly sets: readonly string[];
  readonly cacheDir: string;
  /** Resolved sections the content keys of train and evaluate are made from. */
  readonly trainingConfig: Readonly<Record<string, unknown>>;
  readonly evaluationConfig: Readonly<Record<string, unknown>>;
  readonly trainSplit: string;
  readonly valSplit: string;
  readonly report: boolean;
  /** Re-run every stage (each stage's own --force where it has one). */
  readonly force: boolean;
  readonly onStage?: (outcome: StageOutcome) => void;
}

export type {PipelineStage, StageOutcome};

export interface PipelineResult {
  readonly stages: readonly StageOutcome[];
  readonly dataRunId: string;
  readonly tokenizerRunId: string;
  readonly trainingRunId: string;
  readonly evaluationRunId: string;
  /** The HTML report, when `pipeline.report` is on. */
  readonly report: string | null;
}

// Each stage's output is the `--json` result of its command, which is its service's result type.
type TrainOutput = TrainResult;
type EvaluateOutput = EvaluationResult;
type ReportOutput = RunReport;

export interface PipelineDependencies {
  readonly runner: StageRunner;
  readonly hasher: Hasher;
  readonly store: ManifestStore;
  readonly verifier: RunVerifier;
  readonly runsDir: string;
}

/**
 * prepare-data → tokenizer:train → train → evaluate → report as one job. Each stage is the real command; a
 * stage whose inputs (by content) did not change is reused and reported as cached: data and tokenizer runs
 * through their commands' own caches, training and evaluation through a content-keyed stage cache whose
 * entries are used only after the run they name verifies.
 */
export class PipelineService {
  readonly #stages: StageOutcome[] = [];

  constructor(private readonly deps: PipelineDependencies) {}

  async run(request: PipelineRequest): Promise<PipelineResult> {
    // Each stage's output is leased until the job ends, so runs:gc cannot remove it before the next stage reads it.
    const leases = await InputLeases.take([], this.deps.runsDir);
    try {
      return await this.#run(request, leases);
    } finally {
      await leases.release();
    }
  }

  async #run(request: PipelineRequest, leases: InputLeases): Promise<PipelineResult> {
    const lease = async (runId: string) => {
      const directory = await runDirectoryOf(runId, this.deps.runsDir);
      if (directory) await leases.add(directory);
    };
    const common = [...request.configArgs, ...request.sets.flatMap((set) => ['--set', set])];
    const clock = stageClock(request.report ? 5 : 4, (outcome) => {
      this.#stages.push(outcome);
      request.onStage?.(outcome);
    });
    const cache = new StageCache(join(resolve(request.cacheDir), 'pipeline'), this.deps.hasher);

    const inputs = await runInputStages(this.deps.runner, clock, {common, force: request.force}, lease);
    const data = inputs.data;
    const tokenizer = inputs.tokenizer as TrainTokenizerResult;
    const splits = await this.#splitDigests(data.runId);
    const trainKey = cache.key('train', {
      tokenizer: tokenizer.artifactChecksum,
      train: splits.get(request.trainSplit) ?? null,
      val: splits.get(request.valSplit) ?? null,
      training: request.trainingConfig,
    });
    const training = await this.#cachedStage(clock, cache, 'train', trainKey, request.force, async (label) => {
      const output = await this.deps.runner.run<TrainOutput>(
        'train',
        [...common, '--set', `training.data=${data.runId}`, '--set', `training.tokenizer=${tokenizer.runId}`],
        {label},
      );
      return {runId: output.runId, runDir: output.runDir, metrics: trainingMetrics(output)};
    });

    await lease(training.runId);
    const trained = await this.#manifest(training.runId);
    const evaluateKey = cache.key('evaluate', {
      model: checksumOf(this.deps.hasher, canonicalJson((trained?.['artifacts'] as unknown) ?? null)),
      tokenizer: tokenizer.artifactChecksum,
      split: splits.get(String(request.evaluationConfig['split'])) ?? null,
      evaluation: request.evaluationConfig,
    });
    const evaluation = await this.#cachedStage(clock, cache, 'evaluate', evaluateKey, request.force, async (label) => {
      const output = await this.deps.runner.run<EvaluateOutput>('evaluate', [training.runId, '--data', data.runId, ...common], {label});
      return {
        runId: output.runId,
        runDir: output.runDir,
        metrics: {loss: output.loss, perplexity: output.perplexity, tokens: output.tokens},
      };
    });

    let report: string | null = null;
    if (request.report) {
      const output = await clock(
        'report',
        (label) => this.deps.runner.run<ReportOutput>('runs:report', [evaluation.runId, ...common], {label}),
        () => ({runId: null, runDir: null, cached: false, metrics: {}}),
      );
      report = output.path;
    }
    return {
      stages: this.#stages,
      dataRunId: data.runId,
      tokenizerRunId: tokenizer.runId,
      trainingRunId: training.runId,
      evaluationRunId: evaluation.runId,
      report,
    };
  }

  /** A stage without a cache of its own: reuse the run the stage cache names if it still verifies. */
  async #cachedStage(
    clock: StageClock,
    cache: StageCache,
    stage: StageName,
    key: ReturnType<StageCache['key']>,
    force: boolean,
    execute: (label: string) => Promise<{runId: string; runDir: string; metrics: Record<string, number>}>,
  ): Promise<{runId: string}> {
    return await clock(
      stage,
      async (label) => {
        const entry = force ? undefined : await cache.lookup(stage, key);
        if (entry && (await this.#intact(entry.runId))) {
          return {
            runId: entry.runId,
            runDir: join(resolve(this.deps.runsDir), entry.runId),
            cached: true,
            metrics: manifestMetrics(await this.#manifest(entry.runId)),
          };
        }
        const output = await execute(label);
        await cache.record(stage, key, output.runId);
        return {...output, cached: false};
      },
      (outcome) => outcome,
    );
  }

  async #intact(runId: string): Promise<boolean> {
    const manifest = await this.deps.store.get(runId).catch(() => undefined);
    if (!manifest) return false;
    const report = await this.deps.verifier.verify(runId, {runsDir: this.deps.runsDir}).catch(() => undefined);
    return report?.ok === true;
  }

  async #manifest(runId: string): Promise<Manifest | undefined> {
    return this.deps.store.get(runId);
  }

  /** Digest of each split's (id, checksum) list: what a stage reading that split depends on. */
  async #splitDigests(dataRunId: string): Promise<Map<string, string>> {
    const reader = await DataManifestReader.open(dataRunId, {runsDir: this.deps.runsDir});
    const digests = new Map<string, string>();
    for (const name of reader.splitNames) {
      const items = (await reader.split(name)).map((item) => [item.id, item.checksum]);
      digests.set(name, checksumOf(this.deps.hasher, canonicalJson(items)));
    }
    return digests;
  }
}

function trainingMetrics(output: {readonly steps: number; readonly finalLoss: number | null}): Record<string, number> {
  return {steps: output.steps, ...(output.finalLoss === null ? {} : {finalLoss: output.finalLoss})};
}

/** The figures of a reused run, from its manifest. */
function manifestMetrics(manifest: Manifest | undefined): Record<string, number> {
  if (manifest === undefined) return {};
  const numbers = (keys: readonly string[]) =>
    Object.fromEntries(keys.flatMap((key) => (typeof manifest[key] === 'number' ? [[key, manifest[key] as number]] : [])));
  if (manifest.kind === 'training') return numbers(['steps', 'finalLoss']);
  if (manifest.kind === 'evaluation') return numbers(['loss', 'perplexity', 'tokens']);
  return {};
}
