import {
  type BackendOptions,
  CodexError,
  ExitCode,
  type ProgressSink,
  type TokenizerFactory,
  type TokenizerTrainOptions,
} from '@codex-ml/core';
import {specialToken} from '../pipeline/added-vocabulary.js';
import {byteLevelAlphabet} from '../pipeline/byte-level-alphabet.js';
import {ByteLevelDecoder} from '../pipeline/byte-level-decoder.js';
import {PipelineTokenizer} from '../pipeline/pipeline-tokenizer.js';
import {TemplatePostProcessor} from '../pipeline/template-post-processor.js';
import {loadTokenizerJsonOfModel} from '../serialization/tokenizer-json-loader.js';
import {TIKTOKEN_ENCODINGS, loadTiktokenEncoding, tiktokenEncodingForModel} from '../tiktoken/tiktoken-encoding.js';
import {specialRoles} from '../pipeline/special-token-roles.js';
import {configuredPipeline} from '../tokenizer-config.js';
import {BpeModel} from './bpe-model.js';
import {byteLevelPreTokenizerFromConfig, normalizerFromConfig} from './bpe-pipeline-config.js';
import {BpeTrainer} from './bpe-trainer.js';
import {WordCounter} from './word-counter.js';

export {specialRoles} from '../pipeline/special-token-roles.js';

/** Special tokens of a new BPE tokenizer unless configured: ids 0, 1, 2. */
export const DEFAULT_BPE_SPECIAL_TOKENS = ['[PAD]', '[BOS]', '[EOS]'] as const;

/**
 * The `bpe` tokenizer backend: trains byte-level BPE tokenizers and loads BPE tokenizer.json files.
 *
 * Pipeline of a trained tokenizer: optional normalizer (`pipeline.normalizer`), byte-level pre-tokenizer with
 * the GPT-2 pattern (`pipeline.preTokenizer`, `pipeline.addPrefixSpace`), BPE over the 256 byte characters
 * plus merges, `[BOS] $A [EOS]` template (`pipeline.postProcessor`: `template` | `none`), byte-level decoder.
 * Special tokens take ids 0… in the configured order; roles are read from their spelling, else by position
 * (pad, bos, eos).
 */
export class BpeTokenizerFactory implements TokenizerFactory {
  readonly modelType = 'BPE';
  readonly defaultSpecialTokens: readonly string[] = DEFAULT_BPE_SPECIAL_TOKENS;

  /** `configured`: the pipeline choices `tokenizer.bpe.*` makes, used when `train` is given none. */
  constructor(private readonly configured: Readonly<Record<string, unknown>> = {}) {}

  static create(options: BackendOptions = {}): BpeTokenizerFactory {
    return new BpeTokenizerFactory(configuredPipeline(options));
  }

  async train(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<PipelineTokenizer> {
    return await this.trainFromCounts(await this.countWords(corpus, options, progress), options, progress);
  }

  /** Byte-level words (GPT-2 pieces spelled in the byte alphabet) and their occurrences. */
  async countWords(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<Map<string, number>> {
    const pipeline = options.pipeline ?? this.configured;
    const counter = new WordCounter(
      normalizerFromConfig(pipeline.normalizer),
      byteLevelPreTokenizerFromConfig(pipeline.preTokenizer, pipeline.addPrefixSpace === true),
    );
    progress?.start('count', 0);
    for await (const text of corpus) {
      counter.add(text);
      progress?.advance('count', 1);
    }
    progress?.finish('count');
    return counter.words();
  }

  async trainFromCounts(
    words: ReadonlyMap<string, number>,
    options: TokenizerTrainOptions,
    progress?: ProgressSink,
  ): Promise<PipelineTokenizer> {
    const pipeline = options.pipeline ?? this.configured;
    const normalizer = normalizerFromConfig(pipeline.normalizer);
    const preTokenizer = byteLevelPreTokenizerFromConfig(pipeline.preTokenizer, pipeline.addPrefixSpace === true);
    const specials = options.specialTokens ?? this.defaultSpecialTokens;
    const trainer = new BpeTrainer({
      vocabSize: options.vocabSize,
      minFrequency: options.minFrequency,
      specialTokens: specials,
      limitAlphabet: options.limitAlphabet,
      initialAlphabet: byteLevelAlphabet(),
    });
    if (words.size === 0) {
      throw new CodexError('E_TOKENIZER', 'the training corpus is empty (no words)', {
        hint: 'train on files that contain text',
        exitCode: ExitCode.input,
      });
    }
    const {vocab, merges} = trainer.train(words, progress);
    const model = new BpeModel(vocab, merges);
    const roles = specialRoles(specials);
    const template = pipeline.postProcessor === 'none' ? undefined : TemplatePostProcessor.forRoles(roles, (token) => vocab.get(token));
    return new PipelineTokenizer({
      model,
      normalizer,
      preTokenizer,
      postProcessor: template,
      decoder: new ByteLevelDecoder(),
      addedTokens: specials.map((token, id) => specialToken(id, token)),
      specialTokens: roles,
    });
  }

  /** The tiktoken ranks bundled with js-tiktoken, for `codex tokenizer:encode --tiktoken NAME`. */
  readonly pretrained: readonly string[] = TIKTOKEN_ENCODINGS;

  loadPretrained(name: string): Promise<PipelineTokenizer> {
    return loadTiktokenEncoding(name);
  }

  async pretrainedForModel(model: string): Promise<string | undefined> {
    try {
      return await tiktokenEncodingForModel(model);
    } catch {
      return undefined;
    }
  }

  load(json: string, source = 'tokenizer.json'): PipelineTokenizer {
    return loadTokenizerJsonOfModel(json, source, this.modelType);
  }
}
