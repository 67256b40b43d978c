import {
  type BackendOptions,
  CodexError,
  ExitCode,
  type ProgressSink,
  type TokenizerFactory,
  type TokenizerTrainOptions,
} from '@codex-ml/core';
import {normalizerFromConfig} from '../bpe/bpe-pipeline-config.js';
import {specialRoles} from '../bpe/bpe-tokenizer-factory.js';
import {specialToken} from '../pipeline/added-vocabulary.js';
import {BertPreTokenizer} from '../pipeline/bert-pre-tokenizer.js';
import type {Normalizer} from '../pipeline/normalizer.js';
import {PipelineTokenizer} from '../pipeline/pipeline-tokenizer.js';
import {PreTokenCounter, countCorpus} from '../pipeline/pre-token-counter.js';
import type {PreTokenizer} from '../pipeline/pre-tokenizer.js';
import {TemplatePostProcessor} from '../pipeline/template-post-processor.js';
import {WhitespacePreTokenizer, WhitespaceSplitPreTokenizer} from '../pipeline/whitespace-pre-tokenizer.js';
import {DEFAULT_CODECS, extendCodecs} from '../serialization/component-codecs.js';
import {loadTokenizerJsonOfModel} from '../serialization/tokenizer-json-loader.js';
import {BertNormalizer} from './bert-normalizer.js';
import {BertWordCounter} from './bert-word-counter.js';
import {configuredParams, configuredPipeline} from '../tokenizer-config.js';
import {WORDPIECE_CODECS} from './wordpiece-codecs.js';
import {WordPieceDecoder} from './wordpiece-decoder.js';
import {WORDPIECE_SPECIAL_TOKENS, WordPieceTrainer, type WordPieceTrainerOptions} from './wordpiece-trainer.js';

/** Trainer parameters read from `options.params` (config `tokenizer.wordpiece.*`). */
const PARAMS = ['continuingSubwordPrefix', 'unkToken', 'maxInputCharsPerWord', 'maxTokenLength', 'initialAlphabet'] as const;

/**
 * The `wordpiece` tokenizer backend: trains WordPiece tokenizers as Hugging Face's `WordPieceTrainer` does and
 * loads WordPiece tokenizer.json files (Hugging Face's or ours).
 *
 * Pipeline of a trained tokenizer, Hugging Face's BERT pipeline unless configured otherwise:
 * - normalizer: `BertNormalizer` (clean text, space CJK ideographs, strip accents, lowercase); an explicit
 *   `pipeline.normalizer` list (`nfc`, `lowercase`, `strip-accents`, …) replaces it, `[]` means none;
 * - pre-tokenizer: `BertPreTokenizer` (`pipeline.preTokenizer`: `bert` | `whitespace` | `whitespace-split`);
 * - model: WordPiece, `[UNK]` for words it cannot spell, `##` continuation prefix;
 * - post-processor: `[BOS] $A [EOS]` (`pipeline.postProcessor: none` drops it);
 * - decoder: WordPiece (joins `##` pieces, spaces between words).
 *
 * Special tokens default to `[PAD] [BOS] [EOS] [UNK]` at ids 0, 1, 2, 3; a configured list takes ids 0… in its
 * order and must hold the unknown token (`params.unkToken`, default `[UNK]`). Each item of the training corpus
 * is a whole text (a line or a document): words never span two items.
 */
export class WordPieceTokenizerFactory implements TokenizerFactory {
  readonly modelType = 'WordPiece';
  readonly defaultSpecialTokens: readonly string[] = WORDPIECE_SPECIAL_TOKENS;

  /** `configured`: the block `tokenizer.wordpiece.*`, used for what `train` is not given. */
  constructor(private readonly configured: BackendOptions = {}) {}

  static create(options: BackendOptions = {}): WordPieceTokenizerFactory {
    return new WordPieceTokenizerFactory(options);
  }

  async train(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<PipelineTokenizer> {
    // Options are checked before the corpus is read: a bad unknown token must not cost a full count.
    this.#trainer(options);
    return await this.trainFromCounts(await this.countWords(corpus, options, progress), options, progress);
  }

  /** Words as the pipeline's normalizer and pre-tokenizer cut them, with their occurrences. */
  async countWords(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<Map<string, number>> {
    const {normalizer, preTokenizer} = pipelineStages(options.pipeline ?? configuredPipeline(this.configured));
    return await countWords(corpus, normalizer, preTokenizer, progress);
  }

  async trainFromCounts(
    counts: ReadonlyMap<string, number>,
    options: TokenizerTrainOptions,
    progress?: ProgressSink,
  ): Promise<PipelineTokenizer> {
    const pipeline = options.pipeline ?? configuredPipeline(this.configured);
    const {normalizer, preTokenizer} = pipelineStages(pipeline);
    const {trainer, specials} = this.#trainer(options);
    if (counts.size === 0) {
      throw new CodexError('E_TOKENIZER', 'the training corpus has no words', {
        hint: 'train on files that contain text',
        exitCode: ExitCode.input,
      });
    }
    const model = trainer.train(counts, progress);
    const roles = specialRoles(specials);
    return new PipelineTokenizer({
      model,
      normalizer,
      preTokenizer,
      postProcessor:
        pipeline.postProcessor === 'none' ? undefined : TemplatePostProcessor.forRoles(roles, (token) => model.tokenToId(token)),
      decoder: new WordPieceDecoder(model.continuingSubwordPrefix),
      addedTokens: specials.map((token) => specialToken(model.tokenToId(token) as number, token)),
      specialTokens: roles,
    });
  }

  #trainer(options: TokenizerTrainOptions): {trainer: WordPieceTrainer; specials: readonly string[]} {
    const specials = options.specialTokens.length > 0 ? options.specialTokens : WORDPIECE_SPECIAL_TOKENS;
    const params = readParams(options.params ?? configuredParams(this.configured));
    const unkToken = params.unkToken ?? '[UNK]';
    if (!specials.includes(unkToken)) {
      throw new CodexError(
        'E_CONFIG',
        `tokenizer.specialTokens ${JSON.stringify(specials)} lack the unknown token ${JSON.stringify(unkToken)}`,
        {
          hint: `add ${unkToken} to tokenizer.specialTokens, or name another of them in tokenizer.wordpiece.unkToken`,
          exitCode: ExitCode.config,
        },
      );
    }
    const trainer = new WordPieceTrainer({
      ...params,
      vocabSize: options.vocabSize,
      minFrequency: options.minFrequency,
      specialTokens: specials,
      limitAlphabet: options.limitAlphabet,
    });
    return {trainer, specials};
  }

  /** Loads a tokenizer.json whose model is WordPiece; `source` names the file in errors. */
  load(json: string, source = 'tokenizer.json'): PipelineTokenizer {
    return loadTokenizerJsonOfModel(json, source, this.modelType, CODECS);
  }
}

const CODECS = extendCodecs(DEFAULT_CODECS, WORDPIECE_CODECS);

/** The normalizer and pre-tokenizer of the pipeline: BERT's unless configured. */
function pipelineStages(pipeline: Readonly<Record<string, unknown>>): {normalizer: Normalizer | undefined; preTokenizer: PreTokenizer} {
  return {
    normalizer: 'normalizer' in pipeline ? normalizerFromConfig(pipeline.normalizer) : new BertNormalizer(),
    preTokenizer: preTokenizerFromConfig(pipeline.preTokenizer),
  };
}

/** Word → occurrences over the corpus, as the pipeline's normalizer and pre-tokenizer cut it. */
function countWords(
  corpus: AsyncIterable<string>,
  normalizer: Normalizer | undefined,
  preTokenizer: PreTokenizer,
  progress: ProgressSink | undefined,
): Promise<Map<string, number>> {
  // The common case gets a counter that skips offsets and classifies ASCII by table.
  const counter =
    normalizer instanceof BertNormalizer && preTokenizer instanceof BertPreTokenizer
      ? new BertWordCounter(normalizer)
      : new PreTokenCounter(normalizer, preTokenizer);
  return countCorpus(corpus, counter, progress);
}

function preTokenizerFromConfig(value: unknown): PreTokenizer {
  switch (value ?? 'bert') {
    case 'bert':
      return new BertPreTokenizer();
    case 'whitespace':
      return new WhitespacePreTokenizer();
    case 'whitespace-split':
      return new WhitespaceSplitPreTokenizer();
    default:
      throw new CodexError('E_CONFIG', `tokenizer.wordpiece.preTokenizer ${JSON.stringify(value)} does not suit WordPiece`, {
        hint: 'use bert, whitespace or whitespace-split (byte-level is for bpe)',
        exitCode: ExitCode.config,
      });
  }
}

type TrainerParams = Pick<WordPieceTrainerOptions, (typeof PARAMS)[number]>;

/** Validates the trainer parameters given to `train`; unknown keys are refused so typos do not pass silently. */
function readParams(params: Readonly<Record<string, unknown>>): TrainerParams {
  const out: {-readonly [K in keyof TrainerParams]: TrainerParams[K]} = {};
  const fail = (key: string, expected: string): never => {
    throw new CodexError('E_CONFIG', `tokenizer.wordpiece.${key} must be ${expected}, got ${JSON.stringify(params[key])}`, {
      hint: `WordPiece reads ${PARAMS.join(', ')}`,
      exitCode: ExitCode.config,
    });
  };
  for (const [key, value] of Object.entries(params)) {
    switch (key) {
      case 'continuingSubwordPrefix':
      case 'unkToken':
        if (typeof value !== 'string' || value === '') fail(key, 'a non-empty string');
        out[key] = value as string;
        break;
      case 'maxInputCharsPerWord':
      case 'maxTokenLength':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(key, 'an integer >= 1');
        out[key] = value as number;
        break;
      case 'initialAlphabet':
        if (typeof value !== 'string' && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
          fail(key, 'a string of characters or a list of characters');
        }
        out.initialAlphabet = typeof value === 'string' ? [...value] : (value as string[]);
        break;
      default:
        throw new CodexError('E_CONFIG', `tokenizer.wordpiece.${key} is not a WordPiece trainer parameter`, {
          hint: `WordPiece reads ${PARAMS.join(', ')}`,
          exitCode: ExitCode.config,
        });
    }
  }
  return out;
}
