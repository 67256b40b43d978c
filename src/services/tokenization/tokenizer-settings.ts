import {CodexError, ExitCode, type ResolvedConfig} from '@codex-ml/core';

/** What shapes a trained tokenizer: the part of the config the cache key and the manifest record. */
export interface TokenizerTrainingConfig {
  readonly model: string;
  /** Empty = the model's default. */
  readonly normalizer: readonly string[];
  /** null = the model's default. */
  readonly preTokenizer: string | null;
  /** null = the model's default. */
  readonly postProcessor: string | null;
  readonly vocabSize: number;
  readonly minFrequency: number;
  readonly limitAlphabet: number | null;
  /** Empty = the model's default. */
  readonly specialTokens: readonly string[];
  readonly trainer: Readonly<Record<string, unknown>>;
}

/** Everything `tokenizer:train` needs from config. */
export interface TokenizerTrainingSettings {
  readonly training: TokenizerTrainingConfig;
  readonly inputs: readonly string[];
  readonly trainSplit: string;
  readonly runsDir: string;
  readonly cacheDir: string;
}

/** Reads the tokenizer training keys of a resolved config (already validated by the schema). */
export function readTrainingSettings(config: ResolvedConfig): TokenizerTrainingSettings {
  const limitAlphabet = config.get<number | null>('tokenizer.limitAlphabet');
  if (limitAlphabet !== null && limitAlphabet < 1) {
    throw new CodexError(
      'E_CONFIG',
      `${config.sourceOf('tokenizer.limitAlphabet')}: tokenizer.limitAlphabet must be null or >= 1, got ${limitAlphabet}`,
      {
        hint: 'set it to a positive integer or null',
        exitCode: ExitCode.config,
      },
    );
  }
  const cacheDir = config.get<string>('tokenizer.cache.dir');
  return {
    training: {
      model: config.get<string>('tokenizer.model'),
      normalizer: config.get<string[]>('tokenizer.normalizer'),
      preTokenizer: config.get<string | null>('tokenizer.preTokenizer'),
      postProcessor: config.get<string | null>('tokenizer.postProcessor'),
      vocabSize: config.get<number>('tokenizer.vocabSize'),
      minFrequency: config.get<number>('tokenizer.minFrequency'),
      limitAlphabet,
      specialTokens: config.get<string[]>('tokenizer.specialTokens'),
      trainer: config.get<Record<string, unknown>>('tokenizer.trainer'),
    },
    inputs: config.get<string[]>('tokenizer.dataset.inputs'),
    trainSplit: config.get<string>('tokenizer.dataset.trainSplit'),
    runsDir: config.get<string>('runs.dir'),
    cacheDir: cacheDir !== '' ? cacheDir : `${config.get<string>('cache.dir')}/tokenizers`,
  };
}

/** The pipeline choices handed to a trainer; keys left out mean "the model's default". */
export function pipelineOptions(training: TokenizerTrainingConfig): Record<string, unknown> {
  const pipeline: Record<string, unknown> = {};
  if (training.normalizer.length > 0) pipeline.normalizer = training.normalizer.filter((stage) => stage !== 'none');
  if (training.preTokenizer !== null) pipeline.preTokenizer = training.preTokenizer;
  if (training.postProcessor !== null) pipeline.postProcessor = training.postProcessor;
  return pipeline;
}
