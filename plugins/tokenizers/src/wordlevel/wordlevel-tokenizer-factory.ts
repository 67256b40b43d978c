import {
  type BackendOptions,
  CodexError,
  ExitCode,
  type ProgressSink,
  type TokenizerFactory,
  type TokenizerTrainOptions,
} from '@codex-ml/core';
import {normalizerFromConfig} from '../bpe/bpe-pipeline-config.js';
import {specialToken} from '../pipeline/added-vocabulary.js';
import {PipelineTokenizer} from '../pipeline/pipeline-tokenizer.js';
import {PreTokenCounter, countCorpus} from '../pipeline/pre-token-counter.js';
import {specialRoles} from '../pipeline/special-token-roles.js';
import {TemplatePostProcessor} from '../pipeline/template-post-processor.js';
import {WhitespacePreTokenizer} from '../pipeline/whitespace-pre-tokenizer.js';
import {loadTokenizerJsonOfModel} from '../serialization/tokenizer-json-loader.js';
import {configuredPipeline} from '../tokenizer-config.js';
import {WordLevelModel} from './wordlevel-model.js';

export const WORDLEVEL_SPECIAL_TOKENS = ['[PAD]', '[BOS]', '[EOS]', '[UNK]'] as const;

/**
 * The `wordlevel` tokenizer backend: a whole-word vocabulary, as Hugging Face's `WordLevelTrainer`: the
 * special tokens, then the `vocabSize` most frequent words seen at least `minFrequency` times (ties by word).
 * Pipeline: optional normalizer, Whitespace pre-tokenizer, `[BOS] $A [EOS]`, no decoder (tokens joined by spaces).
 */
export class WordLevelTokenizerFactory implements TokenizerFactory {
  readonly modelType = 'WordLevel';
  readonly defaultSpecialTokens: readonly string[] = WORDLEVEL_SPECIAL_TOKENS;

  /** `configured`: the block `tokenizer.wordlevel.*`, used for what `train` is not given. */
  constructor(private readonly configured: BackendOptions = {}) {}

  static create(options: BackendOptions = {}): WordLevelTokenizerFactory {
    return new WordLevelTokenizerFactory(options);
  }

  async train(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<PipelineTokenizer> {
    return await this.trainFromCounts(await this.countWords(corpus, options, progress), options, progress);
  }

  /** Words as the normalizer and the Whitespace pre-tokenizer cut them, with their occurrences. */
  async countWords(corpus: AsyncIterable<string>, options: TokenizerTrainOptions, progress?: ProgressSink): Promise<Map<string, number>> {
    const pipeline = options.pipeline ?? configuredPipeline(this.configured);
    return await countCorpus(
      corpus,
      new PreTokenCounter(normalizerFromConfig(pipeline.normalizer), new WhitespacePreTokenizer()),
      progress,
    );
  }

  async trainFromCounts(
    counts: ReadonlyMap<string, number>,
    options: TokenizerTrainOptions,
    _progress?: ProgressSink,
  ): Promise<PipelineTokenizer> {
    const pipeline = options.pipeline ?? configuredPipeline(this.configured);
    const normalizer = normalizerFromConfig(pipeline.normalizer);
    const preTokenizer = new WhitespacePreTokenizer();
    const specials = options.specialTokens.length > 0 ? options.specialTokens : WORDLEVEL_SPECIAL_TOKENS;
    const words = [...counts]
      .filter(([word, count]) => count >= options.minFrequency && !specials.includes(word))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (words.length === 0) {
      throw new CodexError('E_TOKENIZER', 'the training corpus has no words', {
        hint: 'train on files that contain text',
        exitCode: ExitCode.input,
      });
    }
    const vocab = new Map<string, number>();
    for (const token of specials) vocab.set(token, vocab.size);
    for (const [word] of words) {
      if (vocab.size >= options.vocabSize) break;
      vocab.set(word, vocab.size);
    }
    const roles = specialRoles(specials);
    const unk = roles.unk ?? specials.find((token) => /unk/i.test(token)) ?? '[UNK]';
    const model = new WordLevelModel(vocab, unk);
    return new PipelineTokenizer({
      model,
      normalizer,
      preTokenizer,
      postProcessor: pipeline.postProcessor === 'none' ? undefined : TemplatePostProcessor.forRoles(roles, (token) => vocab.get(token)),
      addedTokens: specials.map((token, id) => specialToken(id, token)),
      specialTokens: roles,
    });
  }

  load(json: string, source = 'tokenizer.json'): PipelineTokenizer {
    return loadTokenizerJsonOfModel(json, source, this.modelType);
  }
}
