import {definePlugin} from '@codex-ml/core';
import {BPE_CONFIG, WORDPIECE_CONFIG} from '../tokenizer-config.js';

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
});
