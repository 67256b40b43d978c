import {readFile, stat} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {Backends, type Manifest, isCodexError, utf8} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {sampleFrom} from '../../generation/generation-service.js';
import type {SamplingOptions} from '../../generation/token-sampler.js';
import {TrainedRunLoader} from '../../generation/trained-run-loader.js';
import {SNAPSHOT_FILE} from '../../training/config-snapshot.js';
import {resolveDataInput} from '../../training/training-inputs.js';
import {METRICS_FILE, readMetrics, summarizeMetrics} from '../metrics-file.js';
import {RUN_MANIFEST_FILE} from '../run-manifest-recorder.js';
import {runDirectoryOf} from '../run-artifacts.js';

/** Label and value rows, in display order. */
export type ReportRows = readonly (readonly [string, string | number])[];

export interface ModelSample {
  readonly seed: number;
  readonly prompt: string;
  readonly text: string;
  readonly tokens: number;
  readonly finishReason: string;
}

/** What the report shows of a trained model: a summary card, seeded samples and tokenizer statistics. */
export interface ModelReport {
  readonly trainingRunId: string;
  readonly card: ReportRows;
  readonly samples: readonly ModelSample[];
  /** How the samples were drawn, for the caption. */
  readonly sampling: SamplingOptions & {readonly maxTokens: number; readonly checkpointStep: number};
  readonly tokenizer: ReportRows;
}

export interface ModelReportOptions {
  /** The stat cache the validation split's files are verified through (`cache.dir`). */
  readonly cacheDir: string;
  /** Samples to draw (0: none). */
  readonly samples: number;
  readonly maxTokens: number;
  readonly seed: number;
  readonly onWarning?: (message: string) => void;
}

/** Sampling of the report's examples: mildly sharpened, the long tail cut, as is usual for showing a model. */
const REPORT_SAMPLING: SamplingOptions = {temperature: 0.8, topK: 40, topP: 0.95};

/**
 * The model part of a training or evaluation run's report. The training run (the run itself, or the one an
 * evaluation scored) is loaded with its tokenizer and newest intact checkpoint; samples start a new document
 * (empty prompt) and are seeded, so a report is reproducible. Runs that hold no model (data and tokenizer
 * runs, or training runs without a snapshot or checkpoint) give no model part.
 */
@injectable()
export class ModelReportService {
  constructor(
    @inject(TrainedRunLoader) private readonly loader: TrainedRunLoader,
    @inject(Backends) private readonly backends: Backends,
  ) {}

  async build(root: Manifest, runsDir: string, options: ModelReportOptions): Promise<ModelReport | undefined> {
    const warn = options.onWarning ?? (() => undefined);
    const trainingRunId = trainingRunOf(root);
    if (!trainingRunId) return undefined;
    const runPath = resolve(runDirectoryOf(runsDir, trainingRunId));
    if (!(await exists(join(runPath, SNAPSHOT_FILE)))) return undefined;
    const loader = this.loader;
    let run: Awaited<ReturnType<TrainedRunLoader['load']>>;
    try {
      run = await loader.load(await loader.locate(runPath, runsDir), {runsDir, onWarning: warn});
    } catch (error) {
      if (!isCodexError(error)) throw error;
      warn(`the report shows no model: ${error.message}`);
      return undefined;
    }
    try {
      // Generation is an optional capability: an engine without it still gets its report, without samples.
      const result =
        options.samples > 0
          ? await sampleFrom(run, {
              prompt: '',
              maxTokens: options.maxTokens,
              sampling: REPORT_SAMPLING,
              seed: options.seed,
              stops: [],
              numSamples: options.samples,
            }).catch((error: unknown) => {
              if (!isCodexError(error) || error.code !== 'E_CAPABILITY') throw error;
              warn(`the report shows no samples: ${error.message}`);
              return undefined;
            })
          : undefined;
      const training = await readManifest(runPath);
      return {
        trainingRunId,
        card: await cardRows(root, training, runPath, run.model.parameterCount, run.checkpoint.step),
        samples: (result?.samples ?? []).map((sample) => ({
          seed: options.seed,
          prompt: '',
          text: sample.text,
          tokens: sample.ids.length,
          finishReason: sample.finishReason,
        })),
        sampling: {...REPORT_SAMPLING, maxTokens: options.maxTokens, checkpointStep: run.checkpoint.step},
        tokenizer: await this.#tokenizerRows(run, runsDir, options.cacheDir, warn),
      };
    } finally {
      await run.model.dispose();
    }
  }

  /** Vocabulary size, and bytes per token and unknown rate over the validation split the run trained with. */
  async #tokenizerRows(
    run: Awaited<ReturnType<TrainedRunLoader['load']>>,
    runsDir: string,
    cacheDir: string,
    warn: (message: string) => void,
  ): Promise<ReportRows> {
    const tokenizer = run.tokenizer.tokenizer;
    const rows: [string, string | number][] = [['vocabulary size', tokenizer.vocabSize]];
    const config = run.snapshot.config as {training?: {trainSplit?: string; valSplit?: string}};
    const valSplit = config.training?.valSplit ?? 'validation';
    try {
      const data = await resolveDataInput(run.snapshot.inputs.data.manifest, {
        runsDir,
        cacheDir: resolve(cacheDir),
        trainSplit: config.training?.trainSplit ?? 'train',
        valSplit,
        backends: this.backends,
      });
      const unknownToken = tokenizer.specialTokens['unk'];
      const unknownId = unknownToken === undefined ? undefined : tokenizer.tokenToId(unknownToken);
      let bytes = 0;
      let tokens = 0;
      let unknown = 0;
      for await (const {text} of data.texts('val')) {
        bytes += utf8(text).byteLength;
        const ids = tokenizer.encode(text, {addSpecialTokens: false}).ids;
        tokens += ids.length;
        if (unknownId !== undefined) for (const id of ids) if (id === unknownId) unknown++;
      }
      rows.push([`bytes per token (${valSplit} split)`, tokens > 0 ? bytes / tokens : 0]);
      rows.push([`unknown rate (${valSplit} split)`, tokens > 0 ? unknown / tokens : 0]);
      rows.push([`tokens (${valSplit} split)`, tokens]);
    } catch (error) {
      if (!isCodexError(error)) throw error;
      warn(`the report shows no validation statistics of the tokenizer: ${error.message}`);
    }
    return rows;
  }
}

function trainingRunOf(root: Manifest): string | undefined {
  if (root.kind === 'training') return root.runId;
  const id = root['trainingRunId'];
  return root.kind === 'evaluation' && typeof id === 'string' ? id : undefined;
}

/** Final losses, perplexity, speed, wall time and size; an evaluation adds its own split's loss and perplexity. */
async function cardRows(
  root: Manifest,
  training: Record<string, unknown> | undefined,
  runPath: string,
  parameters: number,
  step: number,
): Promise<ReportRows> {
  const rows: [string, string | number][] = [];
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const trainLoss = number(training?.['finalLoss']);
  const valLoss = number(training?.['finalValLoss']);
  if (trainLoss !== undefined) rows.push(['final train loss', trainLoss]);
  if (valLoss !== undefined) {
    rows.push(['final val loss', valLoss]);
    rows.push(['val perplexity', Math.exp(valLoss)]);
  }
  if (root.kind === 'evaluation') {
    const split = String(root['split'] ?? 'test');
    const loss = number(root['loss']);
    const perplexity = number(root['perplexity']);
    if (loss !== undefined) rows.push([`${split} loss`, loss]);
    if (perplexity !== undefined) rows.push([`${split} perplexity`, perplexity]);
  }
  const metrics = await readMetrics(join(runPath, METRICS_FILE)).catch(() => undefined);
  if (metrics) {
    const summary = summarizeMetrics(metrics);
    if (summary.meanTokensPerSecond !== undefined) rows.push(['tokens/s (training)', Math.round(summary.meanTokensPerSecond)]);
    if (summary.elapsedSeconds !== undefined) rows.push(['wall time', formatDuration(summary.elapsedSeconds)]);
  }
  const steps = number(training?.['steps']);
  if (steps !== undefined) rows.push(['steps', steps]);
  rows.push(['checkpoint step', step]);
  rows.push(['parameters', parameters]);
  return rows;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

async function readManifest(runPath: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(join(runPath, RUN_MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
