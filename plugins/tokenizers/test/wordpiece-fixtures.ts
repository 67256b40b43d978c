import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import type {PipelineTokenizer} from '../src/pipeline/pipeline-tokenizer.js';
import {WordPieceTokenizerFactory} from '../src/wordpiece/wordpiece-tokenizer-factory.js';

const require = createRequire(import.meta.url);
const corpusDir = join(dirname(require.resolve('nlp-corpus')), '..', '..', 'builds');

/** Sentences of one nlp-corpus document (1,000 each, numbered 0–99). */
export function nlpDocument(index: number): string[] {
  return JSON.parse(readFileSync(join(corpusDir, `doc-${index}.json`), 'utf8')) as string[];
}

/** Documents 0–3 train (4,000 sentences); document 99 is held out. */
export function wordPieceCorpus(): {train: string[]; heldOut: string[]} {
  return {train: [0, 1, 2, 3].flatMap(nlpDocument), heldOut: nlpDocument(99)};
}

export async function* asAsync(texts: readonly string[]): AsyncIterable<string> {
  for (const text of texts) yield text;
}

let trained: Promise<PipelineTokenizer> | undefined;

/** A 3,000-token WordPiece tokenizer with the default pipeline and special tokens (shared within a test file). */
export function smallWordPiece(): Promise<PipelineTokenizer> {
  trained ??= new WordPieceTokenizerFactory().train(asAsync(wordPieceCorpus().train), {
    vocabSize: 3_000,
    minFrequency: 2,
    specialTokens: [],
    pipeline: {},
  });
  return trained;
}
