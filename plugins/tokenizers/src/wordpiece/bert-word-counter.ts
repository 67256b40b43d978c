import {isBertPunctuation, isBertWhitespace} from './bert-characters.js';
import type {BertNormalizer} from './bert-normalizer.js';

const WORD = 0;
const SPLIT = 1;
const PUNCTUATION = 2;
const REMOVE = 3;
const UPPER = 4;

/** Single-character strings of ASCII, so punctuation words cost no allocation. */
const ASCII_STRINGS: readonly string[] = Array.from({length: 128}, (_, code) => String.fromCharCode(code));

/**
 * Counts the words `BertNormalizer` + `BertPreTokenizer` make of a text, without building offsets: the training
 * side of the BERT pipeline. Runs of ASCII between spaces are classified with a 128-entry table; any run holding
 * other characters goes through `normalizer.normalizeString` and the Unicode tables. Both give exactly the words
 * the encoding pipeline sees.
 */
export class BertWordCounter {
  readonly counts = new Map<string, number>();
  readonly #normalizer: BertNormalizer;
  readonly #ascii: Uint8Array;

  constructor(normalizer: BertNormalizer) {
    this.#normalizer = normalizer;
    const table = new Uint8Array(128);
    for (let code = 0; code < 128; code++) {
      if (code === 9 || code === 10 || code === 13 || code === 32) table[code] = SPLIT;
      else if (normalizer.cleanText && isControlAscii(code)) table[code] = REMOVE;
      else if (isBertWhitespace(code)) table[code] = SPLIT;
      else if (isBertPunctuation(code)) table[code] = PUNCTUATION;
      else if (normalizer.lowercase && code >= 65 && code <= 90) table[code] = UPPER;
      else table[code] = WORD;
    }
    this.#ascii = table;
  }

  /** Adds the words of one text (a text never continues into the next one). */
  add(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      // One run between ASCII spaces; spaces split in every BERT configuration.
      let end = i;
      let ascii = true;
      for (; end < n; end++) {
        const code = text.charCodeAt(end);
        if (code === 32 || code === 10 || code === 9 || code === 13) break;
        if (code >= 128) ascii = false;
      }
      if (end > i) {
        if (ascii) this.#addAscii(text, i, end);
        else this.#addUnicode(text.slice(i, end));
      }
      i = end + 1;
    }
  }

  #addAscii(text: string, from: number, to: number): void {
    const table = this.#ascii;
    let start = from;
    let upper = false;
    let removed = false;
    for (let i = from; i <= to; i++) {
      const kind = i < to ? (table[text.charCodeAt(i)] as number) : SPLIT;
      if (kind === WORD) continue;
      if (kind === UPPER) {
        upper = true;
        continue;
      }
      if (kind === REMOVE) {
        removed = true;
        continue;
      }
      if (i > start) {
        let word = text.slice(start, i);
        if (removed) word = this.#withoutRemoved(word);
        if (upper) word = word.toLowerCase();
        if (word.length > 0) this.#count(word);
      }
      if (kind === PUNCTUATION) this.#count(ASCII_STRINGS[text.charCodeAt(i)] as string);
      start = i + 1;
      upper = false;
      removed = false;
    }
  }

  #withoutRemoved(word: string): string {
    let out = '';
    for (let i = 0; i < word.length; i++) if (this.#ascii[word.charCodeAt(i)] !== REMOVE) out += word[i];
    return out;
  }

  #addUnicode(run: string): void {
    const text = this.#normalizer.normalizeString(run);
    let start = 0;
    for (let i = 0; i < text.length; ) {
      const codePoint = text.codePointAt(i) as number;
      const width = codePoint > 0xffff ? 2 : 1;
      const space = isBertWhitespace(codePoint);
      if (space || isBertPunctuation(codePoint)) {
        if (i > start) this.#count(text.slice(start, i));
        if (!space) this.#count(text.slice(i, i + width));
        start = i + width;
      }
      i += width;
    }
    if (text.length > start) this.#count(text.slice(start));
  }

  #count(word: string): void {
    const count = this.counts.get(word);
    if (count !== undefined) this.counts.set(word, count + 1);
    // V8 keeps long slices as views of the whole input text; a key must not pin that text in memory.
    else this.counts.set(word.length >= 13 ? ` ${word}`.slice(1) : word, 1);
  }
}

function isControlAscii(code: number): boolean {
  return code < 32 || code === 127;
}
