import {join, resolve} from 'node:path';
import {type Hasher, type Manifest, type ManifestStore, canonicalJson, checksumOf} from '@codex-ml/core';
import {DataManifestReader} from '../data/data-manifest-reader.js';
import type {PrepareDataResult} from '../data/prepare-data-service.js';
import type {EvaluationResult} from '../evaluation/evaluation-service.js';
import type {RunReport} from '../runs/report/run-report-service.js';
import type {TrainTokenizerResult} from '../tokenization/tokenizer-training-service.js';
import type {TrainResult} from '../training/training-service.js';
import {InputLeases, runDirectoryOf} from '../runs/input-leases.js';
import type {RunVerifier} from '../runs/run-verifier.js';
import {StageCache, type StageName} from './stage-cache.js';
import type {StageRunner} from './stage-runner.js';

export interface PipelineRequest {
  /** Config file every stage reads (`--config`); undefined: each stage's own default. */
  readonly configFile: string | undefined;
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

export type PipelineStage = 'data' | 'tokenizer' | 'train' | 'evaluate' | 'report';

export interface StageOutcome {
  readonly stage: PipelineStage;
  /** Run the stage produced or reused; the report path for `report`. */
  readonly runId: string | null;
  /** True when the stage's output was reused because its inputs did not change. */
  readonly cached: boolean;
  readonly seconds: number;
  readonly detail: string;
}

export interface PipelineResult {
  readonly stages: readonly StageOutcome[];
  readonly dataRunId: string;
  readonly tokenizerRunId: string;
  readonly trainingRunId: string;
  readonly evaluationRunId: string;
  readonly report: string | null;
}

// Each stage's output is the `--json` result of its command, which is its service's result type.
type DataOutput = PrepareDataResult;
type TokenizerOutput = TrainTokenizerResult;
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
  #onStage: ((outcome: StageOutcome) => void) | undefined;

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
    const common = [...(request.configFile ? ['--config', request.configFile] : []), ...request.sets.flatMap((set) => ['--set', set])];
    const force = request.force ? ['--force'] : [];
    this.#onStage = request.onStage;
    const cache = new StageCache(join(resolve(request.cacheDir), 'pipeline'), this.deps.hasher);

    const data = await this.#stage(
      'data',
      () => this.deps.runner.run<DataOutput>('prepare-data', [...common, ...force]),
      (output) => ({
        runId: output.runId,
        cached: output.cached === true,
        detail: `${output.itemCount} items (${Object.entries(output.counts)
          .map(([name, count]) => `${name} ${count}`)
          .join(', ')})`,
      }),
    );

    await lease(data.runId);

    const tokenizer = await this.#stage(
      'tokenizer',
      () => this.deps.runner.run<TokenizerOutput>('tokenizer:train', [...common, '--input', data.runId, ...force]),
      (output) => ({runId: output.runId, cached: output.cached, detail: `${output.modelType}, ${output.vocabSize} tokens`}),
    );

    await lease(tokenizer.runId);
    const splits = await this.#splitDigests(data.runId);
    const trainKey = cache.key('train', {
      tokenizer: tokenizer.artifactChecksum,
      train: splits.get(request.trainSplit) ?? null,
      val: splits.get(request.valSplit) ?? null,
      training: request.trainingConfig,
    });
    const training = await this.#cachedStage(cache, 'train', trainKey, request.force, async () => {
      const output = await this.deps.runner.run<TrainOutput>('train', [
        ...common,
        '--set',
        `training.data=${data.runId}`,
        '--set',
        `training.tokenizer=${tokenizer.runId}`,
      ]);
      return {runId: output.runId, detail: `${output.steps} steps, final loss ${output.finalLoss?.toFixed(4) ?? 'n/a'}`};
    });

    await lease(training.runId);
    const trained = await this.#manifest(training.runId);
    const evaluateKey = cache.key('evaluate', {
      model: checksumOf(this.deps.hasher, canonicalJson((trained?.['artifacts'] as unknown) ?? null)),
      tokenizer: tokenizer.artifactChecksum,
      split: splits.get(String(request.evaluationConfig['split'])) ?? null,
      evaluation: request.evaluationConfig,
    });
    const evaluation = await this.#cachedStage(cache, 'evaluate', evaluateKey, request.force, async () => {
      const output = await this.deps.runner.run<EvaluateOutput>('evaluate', [training.runId, '--data', data.runId, ...common]);
      return {runId: output.runId, detail: `${output.split} loss ${output.loss.toFixed(4)}, perplexity ${output.perplexity.toFixed(2)}`};
    });

    let report: string | null = null;
    if (request.report) {
      const output = await this.#stage(
        'report',
        () => this.deps.runner.run<ReportOutput>('runs:report', [evaluation.runId, ...common]),
        (result) => ({runId: null, cached: false, detail: result.path}),
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

  async #stage<T>(
    stage: PipelineStage,
    execute: () => Promise<T>,
    describe: (output: T) => {runId: string | null; cached: boolean; detail: string},
  ): Promise<T> {
    const started = performance.now();
    const output = await execute();
    this.#done({stage, ...describe(output), seconds: (performance.now() - started) / 1000});
    return output;
  }

  /** A stage without a cache of its own: reuse the run the stage cache names if it still verifies. */
  async #cachedStage(
    cache: StageCache,
    stage: StageName,
    key: ReturnType<StageCache['key']>,
    force: boolean,
    execute: () => Promise<{runId: string; detail: string}>,
  ): Promise<{runId: string}> {
    const started = performance.now();
    const entry = force ? undefined : await cache.lookup(stage, key);
    if (entry && (await this.#intact(entry.runId))) {
      const manifest = await this.#manifest(entry.runId);
      this.#done({
        stage,
        runId: entry.runId,
        cached: true,
        seconds: (performance.now() - started) / 1000,
        detail: describeManifest(manifest),
      });
      return {runId: entry.runId};
    }
    const output = await execute();
    await cache.record(stage, key, output.runId);
    this.#done({stage, runId: output.runId, cached: false, seconds: (performance.now() - started) / 1000, detail: output.detail});
    return output;
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

  #done(outcome: StageOutcome): void {
    this.#stages.push(outcome);
    this.#onStage?.(outcome);
  }
}

function describeManifest(manifest: Manifest | undefined): string {
  if (!manifest) return '';
  if (manifest.kind === 'training') return `${String(manifest['steps'])} steps, final loss ${Number(manifest['finalLoss']).toFixed(4)}`;
  if (manifest.kind === 'evaluation') {
    return `${String(manifest['split'])} loss ${Number(manifest['loss']).toFixed(4)}, perplexity ${Number(manifest['perplexity']).toFixed(2)}`;
  }
  return manifest.kind;
}
