import {CodexError, ExitCode, type InvalidUtf8Policy, type ResolvedConfig, backendConfigBlock} from '@codex-ml/core';

/** What shapes a trained tokenizer: the part of the config the cache key and the manifest record. */
export interface TokenizerTrainingConfig {
  readonly model: string;
  readonly vocabSize: number;
  readonly minFrequency: number;
  readonly limitAlphabet: number | null;
  /** Empty = the model's default. */
  readonly specialTokens: readonly string[];
  /** The backend's own keys (`tokenizer.<model>.*`: pipeline stages, trainer parameters), as it received them. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Everything `tokenizer:train` needs from config. */
export interface TokenizerTrainingSettings {
  readonly training: TokenizerTrainingConfig;
  readonly inputs: readonly string[];
  readonly trainSplit: string;
  /** Invalid UTF-8 in corpus files (`tokenizer.dataset.onInvalidUtf8`); data runs decode as they recorded. */
  readonly onInvalidUtf8: InvalidUtf8Policy;
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
  const model = config.get<string>('tokenizer.model');
  return {
    training: {
      model,
      vocabSize: config.get<number>('tokenizer.vocabSize'),
      minFrequency: config.get<number>('tokenizer.minFrequency'),
      limitAlphabet,
      specialTokens: config.get<string[]>('tokenizer.specialTokens'),
      options: config.section(backendConfigBlock('tokenizer', model)),
    },
    inputs: config.get<string[]>('tokenizer.dataset.inputs'),
    trainSplit: config.get<string>('tokenizer.dataset.trainSplit'),
    onInvalidUtf8: config.get<InvalidUtf8Policy>('tokenizer.dataset.onInvalidUtf8'),
    runsDir: config.get<string>('runs.dir'),
    cacheDir: cacheDir !== '' ? cacheDir : `${config.get<string>('cache.dir')}/tokenizers`,
  };
}
