import {tokenizerConformance} from '@codex-ml/core/testing';
import test from 'ava';
import {BpeTokenizerFactory} from '../src/index.js';
import {corpusSentences, smallBpe} from './helpers/bpe-fixture.js';

const factory = BpeTokenizerFactory.create();

tokenizerConformance(test, {
  name: 'tokenizer bpe',
  create: () => smallBpe(),
  load: (json) => factory.load(json),
  samples: ['the quick brown fox jumps over the lazy dog', 'Unicode: 東京, e\u0301, مرحبا, 👨‍👩‍👧', '  whitespace\t\truns \n\n', ''],
  training: {
    factory,
    corpus: corpusSentences().train.slice(0, 2_000),
    options: {vocabSize: 500, minFrequency: 2, specialTokens: ['[PAD]', '[BOS]', '[EOS]'], pipeline: {}},
  },
});
