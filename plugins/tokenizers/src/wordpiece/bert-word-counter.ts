import {wellFormed} from '../pipeline/well-formed.js';
import {isBertPunctuation, isBertWhitespace} from './bert-characters.js';
import type {BertNormalizer} from './bert-normalizer.js';
import {HASH_SEED, WordCountTable, hashStep} from './word-count-table.js';

const WORD = 0;
const SPLIT = 1;
const PUNCTUATION = 2;
const REMOVE = 3;

/**
 * Counts the words `BertNormalizer` + `BertPreTokenizer` make of a text, without building offsets: the training
 * side of the BERT pipeline. Runs of ASCII between spaces are classified and lowercased with 128-entry tables
 * and counted in place; any run holding other characters (or NUL) goes through `normalizer.normalizeString` and
 * the Unicode tables. Both give exactly the words the encoding pipeline sees.
 */
export class BertWordCounter {
  readonly #table = new WordCountTable();
  readonly #normalizer: BertNormalizer;
  /** Class of each ASCII code unit. */
  readonly #kinds: Uint8Array;
  /** What each ASCII code unit becomes in a word (lowercased when the normalizer lowercases; 0 = removed). */
  readonly #lower: Uint8Array;
  #texts = 0;

  constructor(normalizer: BertNormalizer) {
    this.#normalizer = normalizer;
    this.#kinds = new Uint8Array(128);
    this.#lower = new Uint8Array(128);
    for (let code = 1; code < 128; code++) {
      let kind = WORD;
      if (code === 9 || code === 10 || code === 13 || code === 32) kind = SPLIT;
      else if (normalizer.cleanText && (code < 32 || code === 127)) kind = REMOVE;
      else if (isBertWhitespace(code)) kind = SPLIT;
      else if (isBertPunctuation(code)) kind = PUNCTUATION;
      this.#kinds[code] = kind;
      this.#lower[code] = kind === REMOVE ? 0 : normalizer.lowercase && code >= 65 && code <= 90 ? code + 32 : code;
    }
  }

  /** Texts added so far. */
  get texts(): number {
    return this.#texts;
  }

  /** Distinct words so far. */
  get size(): number {
    return this.#table.size;
  }

  /** Adds the words of one text (a text never continues into the next one). */
  add(text: string): void {
    this.#texts++;
    const n = text.length;
    let i = 0;
    while (i < n) {
      // One run between ASCII spaces; spaces split in every BERT configuration.
      let end = i;
      let ascii = true;
      for (; end < n; end++) {
        const code = text.charCodeAt(end);
        if (code === 32 || code === 10 || code === 9 || code === 13) break;
        // NUL is a word character when text is not cleaned, which the 0 = removed mapping cannot express.
        if (code >= 128 || code === 0) ascii = false;
      }
      if (end > i) {
        if (ascii) this.#addAscii(text, i, end);
        else this.#addUnicode(text.slice(i, end));
      }
      i = end + 1;
    }
  }

  /** Word → occurrences. */
  words(): Map<string, number> {
    return this.#table.toMap();
  }

  #addAscii(text: string, from: number, to: number): void {
    const kinds = this.#kinds;
    const lower = this.#lower;
    const table = this.#table;
    let start = from;
    let hash = HASH_SEED;
    let length = 0;
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i);
      const kind = kinds[code] as number;
      if (kind === WORD) {
        hash = hashStep(hash, lower[code] as number);
        length++;
      } else if (kind === PUNCTUATION || kind === SPLIT) {
        if (length > 0) table.countSpan(text, start, i, lower, hash, length);
        if (kind === PUNCTUATION) table.countSpan(text, i, i + 1, lower, hashStep(HASH_SEED, code), 1);
        start = i + 1;
        hash = HASH_SEED;
        length = 0;
      }
    }
    if (length > 0) table.countSpan(text, start, to, lower, hash, length);
  }

  #addUnicode(run: string): void {
    // Lone surrogates become U+FFFD first, as in the encoding pipeline.
    const text = this.#normalizer.normalizeString(wellFormed(run));
    let start = 0;
    for (let i = 0; i < text.length; ) {
      const codePoint = text.codePointAt(i) as number;
      const width = codePoint > 0xffff ? 2 : 1;
      const space = isBertWhitespace(codePoint);
      if (space || isBertPunctuation(codePoint)) {
        if (i > start) this.#table.count(text.slice(start, i));
        if (!space) this.#table.count(text.slice(i, i + width));
        start = i + width;
      }
      i += width;
    }
    if (text.length > start) this.#table.count(text.slice(start));
  }
}
