import {CodexError, ExitCode, SeededRandom, type Tokenizer, requireCapability} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {separatorOf} from '../training/token-cache.js';
import {type GeneratedSample, type GenerativeModel, TextGenerator} from './text-generator.js';
import {type SamplingOptions, TokenSampler, validateSampling} from './token-sampler.js';
import {type LoadedTrainedRun, TrainedRunLoader} from './trained-run-loader.js';

export interface GenerateRequest extends SampleRequest {
  /** `latest`, a training run id, a run directory or a checkpoint directory. */
  readonly model: string;
  readonly runsDir: string;
}

/** What to draw from a loaded model. */
export interface SampleRequest {
  readonly prompt: string;
  readonly maxTokens: number;
  /** Tokens generated before the end-of-text token may end a sample (default 0). */
  readonly minTokens?: number;
  readonly sampling: SamplingOptions;
  readonly seed: number;
  readonly stops: readonly string[];
  readonly numSamples: number;
  /** Default true; false recomputes the whole window for every token (for checking and benchmarks). */
  readonly kvCache?: boolean;
  /** Printable text of sample `index` as it is produced. */
  readonly onText?: (index: number, chunk: string) => void;
  readonly onSampleEnd?: (index: number, sample: GeneratedSample) => void;
  readonly onNotice?: (message: string) => void;
}

export interface GenerationResult {
  readonly runId: string;
  readonly checkpoint: {readonly path: string; readonly step: number};
  readonly prompt: {
    readonly text: string;
    /** The ids the model was given: the end-of-text token that starts a document, then the prompt's ids. */
    readonly ids: readonly number[];
    /** Prompt tokens dropped from the left to fit the context window. */
    readonly truncated: number;
  };
  readonly seed: number;
  readonly sampling: SamplingOptions;
  readonly kvCache: boolean;
  readonly samples: readonly (GeneratedSample & {readonly index: number})[];
  /** Generated tokens per second of decoding (model loading excluded), over all samples. */
  readonly tokensPerSecond: number;
  /** Wall time of decoding. */
  readonly seconds: number;
  /** CPU time (user + system) of this process while decoding: what decoding costs on a shared machine. */
  readonly cpuSeconds: number;
}

/**
 * `codex generate` as a use case: load a trained run's tokenizer and verified checkpoint, encode the prompt
 * the way training saw documents (after the end-of-text token that separates them), and draw seeded samples.
 * Special tokens other than end-of-text never occur inside training text, so they are never sampled; the
 * end-of-text token ends a sample.
 */
@injectable()
export class GenerationService {
  constructor(@inject(TrainedRunLoader) private readonly loader: TrainedRunLoader) {}

  async generate(request: GenerateRequest): Promise<GenerationResult> {
    validateRequest(request);
    const loader = this.loader;
    const run = await loader.load(await loader.locate(request.model, request.runsDir), {
      runsDir: request.runsDir,
      onWarning: request.onNotice,
    });
    try {
      return await sampleFrom(run, request);
    } finally {
      await run.model.dispose();
    }
  }
}

/** Samples from an already loaded run (the report loads the model once for its own purposes too). */
export async function sampleFrom(run: LoadedTrainedRun, request: SampleRequest): Promise<GenerationResult> {
  validateRequest(request);
  const kvCache = request.kvCache ?? true;
  const model = generativeModel(run, kvCache);
  const tokenizer = run.tokenizer.tokenizer;
  const endOfText = separatorOf(tokenizer);
  const encoded = tokenizer.encode(request.prompt, {addSpecialTokens: false}).ids;
  const full = endOfText === null ? [...encoded] : [endOfText, ...encoded];
  if (full.length === 0) {
    throw new CodexError('E_USAGE', 'the prompt is empty and the tokenizer has no end-of-text token to start from', {
      hint: 'pass a non-empty --prompt',
      exitCode: ExitCode.usage,
    });
  }
  const truncated = Math.max(0, full.length - model.contextLength);
  if (truncated > 0) {
    request.onNotice?.(
      `the prompt has ${full.length} tokens, more than the model's context window of ${model.contextLength}: dropped the first ${truncated}`,
    );
  }
  const context = full.slice(truncated);
  const generator = new TextGenerator(
    model,
    new TokenSampler(request.sampling, bannedIds(tokenizer, endOfText)),
    (ids) => tokenizer.decode(ids, {skipSpecialTokens: true}),
    {
      maxTokens: request.maxTokens,
      minTokens: request.minTokens ?? 0,
      stops: request.stops,
      kvCache,
      endOfText,
    },
  );
  const samples: (GeneratedSample & {index: number})[] = [];
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let index = 0; index < request.numSamples; index++) {
    const rng = new SeededRandom(request.seed, `generate.${index}`);
    const sample = await generator.generate(context, rng, (chunk) => request.onText?.(index, chunk));
    samples.push({index, ...sample});
    request.onSampleEnd?.(index, sample);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const tokens = samples.reduce((sum, sample) => sum + sample.ids.length, 0);
  return {
    runId: run.runId,
    checkpoint: {path: run.checkpoint.path, step: run.checkpoint.step},
    prompt: {text: request.prompt, ids: context, truncated},
    seed: request.seed,
    sampling: request.sampling,
    kvCache,
    samples,
    tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/**
 * The loaded model as the decoding loop uses it. The capability the loop needs (a decoder with the cache, the
 * forward pass without) is checked first: an engine without it is one line naming the engine.
 */
function generativeModel(run: LoadedTrainedRun, kvCache: boolean): GenerativeModel {
  const {model, engine, contextLength} = run;
  const subject = {subject: `training engine "${engine.name}"`, configKey: 'training.engine'};
  const unused = () => Promise.reject(new Error('not used in this mode'));
  if (kvCache) {
    requireCapability(model, 'createDecoder', {...subject, capability: 'generate text (decode incrementally)'});
    return {contextLength, createDecoder: () => model.createDecoder(), forward: unused};
  }
  requireCapability(model, 'forward', {...subject, capability: 'generate text without a cache (forward logits)'});
  return {contextLength, forward: (ids) => model.forward(ids), createDecoder: unused};
}

/** Special tokens that are not the end-of-text token: they never appear inside training text. */
function bannedIds(tokenizer: Tokenizer, endOfText: number | null): Set<number> {
  const banned = new Set<number>();
  for (const token of Object.values(tokenizer.specialTokens)) {
    const id = tokenizer.tokenToId(token);
    if (id !== undefined && id !== endOfText) banned.add(id);
  }
  return banned;
}

function validateRequest(request: SampleRequest): void {
  validateSampling(request.sampling);
  if (!(Number.isInteger(request.maxTokens) && request.maxTokens >= 1)) {
    throw new CodexError('E_USAGE', `--max-tokens must be an integer >= 1, got ${request.maxTokens}`, {exitCode: ExitCode.usage});
  }
  const minTokens = request.minTokens ?? 0;
  if (!(Number.isInteger(minTokens) && minTokens >= 0 && minTokens <= request.maxTokens)) {
    throw new CodexError('E_USAGE', `--min-tokens must be an integer in [0, --max-tokens], got ${minTokens}`, {exitCode: ExitCode.usage});
  }
  if (!(Number.isInteger(request.numSamples) && request.numSamples >= 1)) {
    throw new CodexError('E_USAGE', `--num-samples must be an integer >= 1, got ${request.numSamples}`, {exitCode: ExitCode.usage});
  }
  if (!Number.isInteger(request.seed)) {
    throw new CodexError('E_USAGE', `--seed must be an integer, got ${request.seed}`, {exitCode: ExitCode.usage});
  }
}
