import {ByteLevelPreTokenizer, spellPiece} from '../pipeline/byte-level-pre-tokenizer.js';
import {forEachGpt2Piece} from '../pipeline/gpt2-splitter.js';
import {NormalizedText} from '../pipeline/normalized-text.js';
import type {Normalizer} from '../pipeline/normalizer.js';
import type {PreTokenizer} from '../pipeline/pre-tokenizer.js';
import {wellFormed} from '../pipeline/well-formed.js';

/**
 * Counts the pieces a pipeline's normalizer and pre-tokenizer make of a corpus: the words BPE training sees.
 * With a plain byte-level pre-tokenizer, pieces are counted as source text and spelled once per distinct piece
 * at the end, which keeps the per-occurrence work to one regex match and one map update.
 */
export class WordCounter {
  readonly #normalizer: Normalizer | undefined;
  readonly #preTokenizer: PreTokenizer;
  readonly #fast: boolean;
  readonly #prefixSpace: boolean;
  readonly #counts = new Map<string, number>();
  #texts = 0;

  constructor(normalizer: Normalizer | undefined, preTokenizer: PreTokenizer) {
    this.#normalizer = normalizer;
    this.#preTokenizer = preTokenizer;
    this.#fast = preTokenizer instanceof ByteLevelPreTokenizer && preTokenizer.useRegex;
    this.#prefixSpace = preTokenizer instanceof ByteLevelPreTokenizer && preTokenizer.addPrefixSpace;
  }

  get texts(): number {
    return this.#texts;
  }

  add(text: string): void {
    this.#texts++;
    let input = wellFormed(text);
    if (this.#normalizer) input = this.#normalizer.normalize(NormalizedText.from(input)).text;
    const counts = this.#counts;
    if (this.#fast) {
      if (this.#prefixSpace && !input.startsWith(' ')) input = ` ${input}`;
      // The hand-written GPT-2 matcher; each piece dies young (no array of a chunk's pieces is kept).
      const text = input;
      forEachGpt2Piece(text, (start, end) => {
        const piece = text.slice(start, end);
        const count = counts.get(piece);
        // A new key is copied: a slice of the chunk would keep the whole chunk alive for the map's lifetime.
        if (count === undefined) counts.set(detach(piece), 1);
        else counts.set(piece, count + 1);
      });
      return;
    }
    for (const piece of this.#preTokenizer.preTokenize(input)) counts.set(piece.text, (counts.get(piece.text) ?? 0) + 1);
  }

  /** Adds counts gathered elsewhere (another worker's `rawCounts`). */
  merge(counts: ReadonlyMap<string, number>): void {
    for (const [piece, count] of counts) this.#counts.set(piece, (this.#counts.get(piece) ?? 0) + count);
  }

  /** Counts as gathered (source pieces on the fast path). */
  rawCounts(): Map<string, number> {
    return this.#counts;
  }

  /** Word → occurrences, words in the model alphabet. */
  words(): Map<string, number> {
    if (!this.#fast) return this.#counts;
    const words = new Map<string, number>();
    for (const [piece, count] of this.#counts) {
      const spelled = spellPiece(piece, 0, piece.length, 0).text;
      words.set(spelled, (words.get(spelled) ?? 0) + count);
    }
    return words;
  }
}

/** A copy of `text` that shares no storage with the string it was sliced from. */
function detach(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}
