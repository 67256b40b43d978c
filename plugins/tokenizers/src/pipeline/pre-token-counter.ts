import {NormalizedText} from './normalized-text.js';
import type {Normalizer} from './normalizer.js';
import type {PreTokenizer} from './pre-tokenizer.js';
import {wellFormed} from './well-formed.js';

/**
 * The counting phase of training (Hugging Face's `feed` / `tokenize_words`): each text is normalized and
 * pre-tokenized as encoding will do it, and every pre-token counted. Trainers start from `words()`, so counts made
 * elsewhere (merged from shards) can be fed to them the same way.
 */
export class PreTokenCounter {
  readonly #normalizer: Normalizer | undefined;
  readonly #preTokenizer: PreTokenizer | undefined;
  readonly #counts = new Map<string, number>();
  #texts = 0;

  constructor(normalizer: Normalizer | undefined, preTokenizer: PreTokenizer | undefined) {
    this.#normalizer = normalizer;
    this.#preTokenizer = preTokenizer;
  }

  get texts(): number {
    return this.#texts;
  }

  add(text: string): void {
    this.#texts++;
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
