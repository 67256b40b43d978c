import {
  type BackendOptions,
  CodexError,
  ExitCode,
  type ProgressSink,
  type TokenizerFactory,
  type TokenizerTrainOptions,
} from '@codex-ml/core';
import {specialToken} from '../pipeline/added-vocabulary.js';
import {ByteFallbackDecoder, MetaspaceDecoder, SequenceDecoder} from '../pipeline/decoders.js';
import {MetaspacePreTokenizer} from '../pipeline/metaspace-pre-tokenizer.js';
import {NmtNormalizer} from '../pipeline/nmt-normalizer.js';
import type {Normalizer} from '../pipeline/normalizer.js';
import {PipelineTokenizer} from '../pipeline/pipeline-tokenizer.js';
import {PreTokenCounter, countCorpus} from '../pipeline/pre-token-counter.js';
import {ReplaceNormalizer} from '../pipeline/replace-normalizer.js';
import {SequenceNormalizer} from '../pipeline/sequence-normalizer.js';
import {specialRoles} from '../pipeline/special-token-roles.js';
import {StripNormalizer} from '../pipeline/strip-normalizer.js';
import {TemplatePostProcessor} from '../pipeline/template-post-processor.js';
import {regexPattern} from '../pipeline/text-pattern.js';
import {UnicodeNormalizer} from '../pipeline/unicode-normalizer.js';
import {loadTokenizerJsonOfModel} from '../serialization/tokenizer-json-loader.js';
import {normalizerFromConfig} from '../bpe/bpe-pipeline-config.js';
import {configuredParams, configuredPipeline} from '../tokenizer-config.js';
import {UnigramModel} from './unigram-model.js';
import {UnigramTrainer, type UnigramTrainerOptions} from './unigram-trainer.js';

/** Special tokens of a new Unigram tokenizer unless configured (SentencePiece's T5-style set). */
export const UNIGRAM_SPECIAL_TOKENS = ['<pad>', '<s>', '</s>', '<unk>'] as const;

/** Trainer parameters read from `options.params` (config `tokenizer.unigram.*`). */
const PARAMS = ['characterCoverage', 'maxPieceLength', 'seedSize', 'shrinkingFactor', 'subIterations', 'byteFallback'] as const;
type TrainerParams = Pick<UnigramTrainerOptions, (typeof PARAMS)[number]>;

/**
 * The `unigram` tokenizer backend: trains SentencePiece-style Unigram tokenizers and loads Unigram
 * tokenizer.json files (T5, ALBERT, XLNet and other SentencePiece conversions).
 *
 * Pipeline of a trained tokenizer, SentencePiece's defaults: NMT cleanup, NFKC, outer whitespace stripped and
 * runs of spaces collapsed (`pipeline.normalizer` replaces these); Metaspace (`▁` before every word); the Unigram
 * model; `$A` wrapped in the bos/eos special tokens when present (`pipeline.postProcessor: none` drops it);
 * Metaspace decoder. Special tokens default to `<pad> <s> </s> <unk>` and must include an unknown token.
 */
export class UnigramTokenizerFactory implements TokenizerFactory {
  readonly modelType = 'Unigram';
  readonly defaultSpecialTokens: readonly string[] = UNIGRAM_SPECIAL_TOKENS;

  /** `configured`: the block `tokenizer.unigram.*`, used for what `train` is not given. */
  constructor(private readonly configured: BackendOptions = {}) {}

  static create(options: BackendOptions = {}): UnigramTokenizerFactory {
    return new UnigramTokenizerFactory(options);
  }

  async train(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<PipelineTokenizer> {
    return await this.trainFromCounts(await this.countWords(corpus, options, progress), options, progress);
  }

  /** Words as the normalizer and Metaspace cut them (`▁` included), with their occurrences. */
  async countWords(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<Map<string, number>> {
    return await countCorpus(
      corpus,
      new PreTokenCounter(this.#normalizer(options), new MetaspacePreTokenizer('▁', 'always', true)),
      progress,
    );
  }

  async trainFromCounts(
    words: ReadonlyMap<string, number>,
    options: TokenizerTrainOptions,
    progress?: ProgressSink,
  ): Promise<PipelineTokenizer> {
    const pipeline = options.pipeline ?? configuredPipeline(this.configured);
    const normalizer = this.#normalizer(options);
    const preTokenizer = new MetaspacePreTokenizer('▁', 'always', true);
    const specials = options.specialTokens.length > 0 ? options.specialTokens : UNIGRAM_SPECIAL_TOKENS;
    if (!specials.some((token) => /^(<unk>|\[UNK\])$/i.test(token))) {
      throw new CodexError('E_CONFIG', `tokenizer.specialTokens ${JSON.stringify(specials)} lack an unknown token (<unk>)`, {
        hint: 'add <unk> to tokenizer.specialTokens',
        exitCode: ExitCode.config,
      });
    }
    const trainer = new UnigramTrainer({
      ...readParams(options.params ?? configuredParams(this.configured)),
      vocabSize: options.vocabSize,
      specialTokens: specials,
    });
    const {pieces, unkId} = trainer.train(words, progress);
    const model = new UnigramModel(pieces, unkId, trainer.options.byteFallback);
    const roles = specialRoles(specials);
    return new PipelineTokenizer({
      model,
      normalizer,
      preTokenizer,
      postProcessor:
        pipeline.postProcessor === 'none' ? undefined : TemplatePostProcessor.forRoles(roles, (token) => model.tokenToId(token)),
      // Byte pieces are turned back into characters before the word markers into spaces.
      decoder: trainer.options.byteFallback
        ? new SequenceDecoder([new ByteFallbackDecoder(), new MetaspaceDecoder('▁', 'always', true)])
        : new MetaspaceDecoder('▁', 'always', true),
      addedTokens: specials.map((token, id) => specialToken(id, token)),
      specialTokens: roles,
    });
  }

  #normalizer(options: TokenizerTrainOptions): Normalizer | undefined {
    const pipeline = options.pipeline ?? configuredPipeline(this.configured);
    return 'normalizer' in pipeline && pipeline.normalizer !== undefined
      ? normalizerFromConfig(pipeline.normalizer)
      : sentencePieceNormalizer();
  }

  load(json: string, source = 'tokenizer.json'): PipelineTokenizer {
    return loadTokenizerJsonOfModel(json, source, this.modelType);
  }
}

/** SentencePiece's default `nmt_nfkc` rule with its whitespace handling. */
function sentencePieceNormalizer(): Normalizer {
  return new SequenceNormalizer([
    new NmtNormalizer(),
    new UnicodeNormalizer('NFKC'),
    new StripNormalizer(true, true),
    new ReplaceNormalizer(regexPattern(' {2,}'), ' '),
  ]);
}

/** Validates `tokenizer.trainer` keys this backend reads; unknown keys are refused so typos do not pass silently. */
function readParams(params: Readonly<Record<string, unknown>>): TrainerParams {
  const out: {-readonly [K in keyof TrainerParams]: TrainerParams[K]} = {};
  const fail = (key: string, expected: string): never => {
    throw new CodexError('E_CONFIG', `tokenizer.unigram.${key} must be ${expected}, got ${JSON.stringify(params[key])}`, {
      hint: `Unigram reads ${PARAMS.join(', ')}`,
      exitCode: ExitCode.config,
    });
  };
  for (const [key, value] of Object.entries(params)) {
    switch (key) {
      case 'characterCoverage':
      case 'shrinkingFactor':
        if (typeof value !== 'number' || !(value > 0 && value <= 1)) fail(key, 'a number in (0, 1]');
        out[key] = value as number;
        break;
      case 'maxPieceLength':
      case 'seedSize':
      case 'subIterations':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(key, 'an integer >= 1');
        out[key] = value as number;
        break;
      case 'byteFallback':
        if (typeof value !== 'boolean') fail(key, 'true or false');
        out.byteFallback = value as boolean;
        break;
      default:
        throw new CodexError('E_CONFIG', `tokenizer.unigram.${key} is not a Unigram trainer parameter`, {
          hint: `Unigram reads ${PARAMS.join(', ')}`,
          exitCode: ExitCode.config,
        });
    }
  }
  return out;
}
