import type {BackendOptions, ConfigSection} from '@codex-ml/core';

/** Config names of normalizers, applied in the order listed; `none` alone means no normalization. */
export const NORMALIZER_NAMES = ['none', 'nfc', 'nfd', 'nfkc', 'nfkd', 'lowercase', 'strip-accents'] as const;
/** Config names of pre-tokenizers; a byte-level model always ends with `byte-level`. */
export const PRE_TOKENIZER_NAMES = ['byte-level', 'whitespace', 'whitespace-split', 'bert'] as const;

/** Pipeline stage keys both models have; `[]` / null mean the model's own default. */
function stageKeys(preTokenizers: readonly string[]): ConfigSection {
  return {
    normalizer: {
      doc: 'Normalizer stages applied in order; [] = the model default, [none] = no normalization.',
      default: [],
      type: 'array',
      items: 'string',
      enum: [...NORMALIZER_NAMES],
      replaces: 'tokenizer.normalizer',
    },
    preTokenizer: {
      doc: 'Pre-tokenizer; null = the model default.',
      default: null,
      type: 'string',
      enum: [...preTokenizers],
      replaces: 'tokenizer.preTokenizer',
    },
    postProcessor: {
      doc: 'template ([BOS] $A [EOS] when those tokens exist) or none; null = the model default (template).',
      default: null,
      type: 'string',
      enum: ['template', 'none'],
      replaces: 'tokenizer.postProcessor',
    },
  };
}

/** `tokenizer.bpe.*`. Plain data, imported by the registration hook. */
export const BPE_CONFIG: ConfigSection = stageKeys(PRE_TOKENIZER_NAMES);

/** `tokenizer.wordpiece.*`: the stages, then Hugging Face's WordPiece trainer parameters. */
export const WORDPIECE_CONFIG: ConfigSection = {
  ...stageKeys(['bert', 'whitespace', 'whitespace-split']),
  continuingSubwordPrefix: {
    doc: 'Prefix of pieces that continue a word.',
    default: '##',
    replaces: 'tokenizer.trainer.continuingSubwordPrefix',
  },
  unkToken: {
    doc: 'Token of words the vocabulary cannot spell; one of the special tokens.',
    default: '[UNK]',
    replaces: 'tokenizer.trainer.unkToken',
  },
  maxInputCharsPerWord: {
    doc: 'Longer words encode as the unknown token.',
    default: 100,
    type: 'integer',
    minimum: 1,
    replaces: 'tokenizer.trainer.maxInputCharsPerWord',
  },
  maxTokenLength: {
    doc: 'No token longer than this many characters is formed; null = no limit.',
    default: null,
    type: 'integer',
    minimum: 1,
    replaces: 'tokenizer.trainer.maxTokenLength',
  },
  initialAlphabet: {
    doc: 'Characters kept in the alphabet even when absent from the corpus.',
    default: [],
    type: 'array',
    items: 'string',
    replaces: 'tokenizer.trainer.initialAlphabet',
  },
};

/** `tokenizer.unigram.*`: normalizer and post-processor choices, then SentencePiece's trainer parameters. */
export const UNIGRAM_CONFIG: ConfigSection = {
  normalizer: {
    doc: "Normalizer stages applied in order; [] = SentencePiece's nmt_nfkc with whitespace cleanup, [none] = no normalization.",
    default: [],
    type: 'array',
    items: 'string',
    enum: [...NORMALIZER_NAMES],
  },
  postProcessor: (stageKeys([]) as {postProcessor: ConfigSection[string]}).postProcessor,
  characterCoverage: {
    doc: 'Keep the most frequent characters covering this share of all character occurrences; the rest are unknown.',
    default: 0.9995,
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 1,
  },
  maxPieceLength: {doc: 'Longest piece, in characters.', default: 16, type: 'integer', minimum: 1},
  seedSize: {
    doc: 'Seed pieces before EM: the most frequent substrings (occurrences × length).',
    default: 1_000_000,
    type: 'integer',
    minimum: 1,
  },
  shrinkingFactor: {doc: 'Share of the pieces each pruning round keeps.', default: 0.75, type: 'number', exclusiveMinimum: 0, maximum: 1},
  subIterations: {doc: 'EM iterations between prunings.', default: 2, type: 'integer', minimum: 1},
  byteFallback: {doc: 'Add the 256 <0xHH> byte pieces so that no character is unknown.', default: false, type: 'boolean'},
};

/** `tokenizer.wordlevel.*`: normalizer and post-processor choices. */
export const WORDLEVEL_CONFIG: ConfigSection = {
  normalizer: UNIGRAM_CONFIG.normalizer as ConfigSection[string],
  postProcessor: UNIGRAM_CONFIG.postProcessor as ConfigSection[string],
};

const STAGES = ['normalizer', 'preTokenizer', 'postProcessor'];

/** The pipeline choices a backend's config block makes, as `TokenizerTrainOptions.pipeline` takes them. */
export function configuredPipeline(options: BackendOptions): Record<string, unknown> {
  const pipeline: Record<string, unknown> = {};
  const normalizer = options['normalizer'];
  if (Array.isArray(normalizer) && normalizer.length > 0) pipeline['normalizer'] = normalizer.filter((stage) => stage !== 'none');
  for (const stage of STAGES.slice(1)) if (options[stage] !== undefined && options[stage] !== null) pipeline[stage] = options[stage];
  return pipeline;
}

/** The rest of a config block: trainer parameters, null ones left out (the trainer's default). */
export function configuredParams(options: BackendOptions): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([key, value]) => !STAGES.includes(key) && value !== null));
}
