import {all} from 'nlp-corpus';
import {BpeTokenizerFactory, type PipelineTokenizer} from '../../src/index.js';

/** nlp-corpus sentences: the first 20,000 train, the last 2,000 are held out. */
export function corpusSentences(): {train: string[]; heldOut: string[]} {
  const sentences = all() as string[];
  return {train: sentences.slice(0, 20_000), heldOut: sentences.slice(-2_000)};
}

export async function* asAsync(texts: readonly string[]): AsyncIterable<string> {
  for (const text of texts) yield text;
}

let trained: Promise<PipelineTokenizer> | undefined;

/** A 2,000-token byte-level BPE trained on the training sentences (shared by the tests of one file). */
export function smallBpe(): Promise<PipelineTokenizer> {
  trained ??= new BpeTokenizerFactory().train(asAsync(corpusSentences().train), {
    vocabSize: 2_000,
    minFrequency: 2,
    specialTokens: ['[PAD]', '[BOS]', '[EOS]'],
    pipeline: {},
  });
  return trained;
}
