import {ByteLevelPreTokenizer, spellPiece} from '../pipeline/byte-level-pre-tokenizer.js';
import {forEachGpt2Piece} from '../pipeline/gpt2-splitter.js';
import {NormalizedText} from '../pipeline/normalized-text.js';
import type {Normalizer} from '../pipeline/normalizer.js';
import type {PreTokenizer} from '../pipeline/pre-tokenizer.js';
import {wellFormed} from '../pipeline/well-formed.js';
import {PieceCounter} from './piece-counter.js';

/**
 * Counts the pieces a pipeline's normalizer and pre-tokenizer make of a corpus: the words BPE training sees.
 * With a plain byte-level pre-tokenizer (GPT-2 pattern), pieces are counted as ranges of the source text and
 * spelled once per distinct piece at the end, so an occurrence costs one scan and one table probe.
 */
export class WordCounter {
  readonly #normalizer: Normalizer | undefined;
  readonly #preTokenizer: PreTokenizer;
  readonly #fast: boolean;
  readonly #prefixSpace: boolean;
  readonly #counts = new PieceCounter();
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
      if (this.#prefixSpace && input.length > 0 && !input.startsWith(' ')) input = ` ${input}`;
      const source = input;
      forEachGpt2Piece(source, (start, end) => counts.add(source, start, end));
      return;
    }
    for (const piece of this.#preTokenizer.preTokenize(input)) counts.add(piece.text, 0, piece.text.length);
  }

  /** Word → occurrences, words in the model alphabet. */
  words(): Map<string, number> {
    const words = new Map<string, number>();
    for (const [piece, count] of this.#counts.entries()) {
      const word = this.#fast ? spellPiece(piece, 0, piece.length, 0).text : piece;
      words.set(word, (words.get(word) ?? 0) + count);
    }
    return words;
  }
}
