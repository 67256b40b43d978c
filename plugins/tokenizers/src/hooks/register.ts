import {definePlugin} from '@codex-ml/core';
import {BPE_CONFIG, UNIGRAM_CONFIG, WORDLEVEL_CONFIG, WORDPIECE_CONFIG} from '../tokenizer-config.js';

const here = (file: string) => new URL(`../${file}`, import.meta.url).href;

export default definePlugin((registry) => {
  registry.register('tokenizer', 'bpe', {
    description: 'Byte-level BPE (GPT-2 style); trains, loads Hugging Face tokenizer.json and tiktoken ranks',
    module: here('bpe/bpe-tokenizer-factory.js'),
    export: 'BpeTokenizerFactory',
    config: BPE_CONFIG,
  });
  registry.register('tokenizer', 'wordpiece', {
    description: 'WordPiece (BERT style, [UNK] and ## pieces); trains as Hugging Face does, loads WordPiece tokenizer.json',
    module: here('wordpiece/wordpiece-tokenizer-factory.js'),
    export: 'WordPieceTokenizerFactory',
    config: WORDPIECE_CONFIG,
  });
  registry.register('tokenizer', 'unigram', {
    description: 'SentencePiece-style Unigram (T5, ALBERT style); trains with EM and pruning, loads Unigram tokenizer.json',
    module: here('unigram/unigram-tokenizer-factory.js'),
    export: 'UnigramTokenizerFactory',
    config: UNIGRAM_CONFIG,
  });
  registry.register('tokenizer', 'wordlevel', {
    description: 'Whole-word vocabulary; trains as Hugging Face WordLevelTrainer, loads WordLevel tokenizer.json',
    module: here('wordlevel/wordlevel-tokenizer-factory.js'),
    export: 'WordLevelTokenizerFactory',
    config: WORDLEVEL_CONFIG,
  });
});
