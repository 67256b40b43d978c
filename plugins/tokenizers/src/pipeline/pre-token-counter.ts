import type {ProgressSink} from '@codex-ml/core';
import {NormalizedText} from './normalized-text.js';
import type {Normalizer} from './normalizer.js';
import type {PreTokenizer} from './pre-tokenizer.js';
import {wellFormed} from './well-formed.js';

/**
 * The counting phase of training (Hugging Face's `feed` / `tokenize_words`): each text is normalized and
 * pre-tokenized as encoding will do it, and every pre-token counted. Trainers start from `words()`, so counts made
 * elsewhere (merged from shards) can be fed to them the same way.
 */
export class PreTokenCounter implements WordCounting {
  readonly #normalizer: Normalizer | undefined;
  readonly #preTokenizer: PreTokenizer | undefined;
  readonly #counts = new Map<string, number>();

  constructor(normalizer: Normalizer | undefined, preTokenizer: PreTokenizer | undefined) {
    this.#normalizer = normalizer;
    this.#preTokenizer = preTokenizer;
  }

  add(text: string): void {
    const input = wellFormed(text);
    const normalized = this.#normalizer ? this.#normalizer.normalize(NormalizedText.from(input)).text : input;
    const counts = this.#counts;
    if (this.#preTokenizer === undefined) {
      if (normalized.length > 0) counts.set(normalized, (counts.get(normalized) ?? 0) + 1);
      return;
    }
    for (const piece of this.#preTokenizer.preTokenize(normalized)) counts.set(piece.text, (counts.get(piece.text) ?? 0) + 1);
  }

  /** Pre-token → occurrences. */
  words(): Map<string, number> {
    return this.#counts;
  }
}

/** What `countCorpus` feeds: a `PreTokenCounter`, or a counter specialised for one pipeline. */
export interface WordCounting {
  add(text: string): void;
  words(): Map<string, number>;
}

/** Feeds every text of `corpus` to `counter` (the `count` phase, reported per 1,024 texts) and returns the counts. */
export async function countCorpus(
  corpus: AsyncIterable<string>,
  counter: WordCounting,
  progress: ProgressSink | undefined,
): Promise<Map<string, number>> {
  progress?.start('count', 0);
  let texts = 0;
  for await (const text of corpus) {
    counter.add(text);
    if ((++texts & 1023) === 0) progress?.advance('count', 1024);
  }
  progress?.advance('count', texts & 1023);
  progress?.finish('count');
  return counter.words();
}
