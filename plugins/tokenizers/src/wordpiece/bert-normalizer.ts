import {combiningClusters} from '../pipeline/code-point-runs.js';
import {LowercaseNormalizer} from '../pipeline/lowercase-normalizer.js';
import type {NormalizedText} from '../pipeline/normalized-text.js';
import type {JsonObject, Normalizer} from '../pipeline/normalizer.js';
import {bertNfd, isBertControl, isBertWhitespace, isChineseCharacter, isNonspacingMark} from './bert-characters.js';

export interface BertNormalizerOptions {
  /** Remove control characters and turn every whitespace character into a space. Default true. */
  readonly cleanText?: boolean;
  /** Put spaces around CJK ideographs so that each becomes a word. Default true. */
  readonly handleChineseChars?: boolean;
  /** Decompose (NFD) and drop nonspacing marks; `null` = follow `lowercase`. Default null. */
  readonly stripAccents?: boolean | null;
  /** Lowercase, code point by code point. Default true. */
  readonly lowercase?: boolean;
}

/** Text with nothing BERT's cleaning, CJK spacing or accent stripping would touch. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;
/** Any code unit outside ASCII. */
const NON_ASCII = /[\u0080-\uffff]/;

/** ASCII lowercasing maps each code unit to one code unit, so one run keeps every alignment. */
function lowercaseAscii(input: NormalizedText): NormalizedText {
  const lower = input.text.toLowerCase();
  return lower === input.text ? input : input.transform([[0, lower.length, lower]]);
}

/**
 * BERT's normalizer (tokenizer.json type `BertNormalizer`), in Hugging Face's order: clean, space CJK
 * ideographs, strip accents, lowercase. Character classes follow Hugging Face's tables exactly.
 */
export class BertNormalizer implements Normalizer {
  readonly type = 'BertNormalizer';
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;
  readonly #lowercaser = new LowercaseNormalizer();

  constructor(options: BertNormalizerOptions = {}) {
    this.cleanText = options.cleanText ?? true;
    this.handleChineseChars = options.handleChineseChars ?? true;
    this.stripAccents = options.stripAccents ?? null;
    this.lowercase = options.lowercase ?? true;
  }

  /** Whether accents are stripped: `strip_accents` when set, else the same as `lowercase`. */
  get stripsAccents(): boolean {
    return this.stripAccents ?? this.lowercase;
  }

  normalize(input: NormalizedText): NormalizedText {
    let current = input;
    const plain = PLAIN_ASCII.test(current.text);
    if (this.cleanText && !plain) current = mapCodePoints(current, cleanCodePoint);
    if (this.handleChineseChars && !plain) current = mapCodePoints(current, spaceChinese);
    if (this.stripsAccents && !plain) current = stripAccents(current);
    if (this.lowercase) current = !NON_ASCII.test(current.text) ? lowercaseAscii(current) : this.#lowercaser.normalize(current);
    return current;
  }

  /** `normalize(NormalizedText.from(text)).text` without alignments: the training path. */
  normalizeString(text: string): string {
    if (PLAIN_ASCII.test(text)) return this.lowercase ? text.toLowerCase() : text;
    let out = text;
    if (this.cleanText) out = mapString(out, cleanCodePoint);
    if (this.handleChineseChars) out = mapString(out, spaceChinese);
    if (this.stripsAccents) out = withoutMarks(bertNfd(out));
    if (this.lowercase) out = mapString(out, lowercaseCodePoint);
    return out;
  }

  toJSON(): JsonObject {
    return {
      type: this.type,
      clean_text: this.cleanText,
      handle_chinese_chars: this.handleChineseChars,
      strip_accents: this.stripAccents,
      lowercase: this.lowercase,
    };
  }
}

function cleanCodePoint(codePoint: number, source: string): string {
  if (isBertControl(codePoint)) return '';
  return isBertWhitespace(codePoint) ? ' ' : source;
}

function spaceChinese(codePoint: number, source: string): string {
  return isChineseCharacter(codePoint) ? ` ${source} ` : source;
}

/** Per code point, as Hugging Face does: no context-dependent mappings such as the final sigma. */
function lowercaseCodePoint(_codePoint: number, source: string): string {
  return source.toLowerCase();
}

function mapString(text: string, map: (codePoint: number, source: string) => string): string {
  let out = '';
  let kept = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    const source = text.slice(i, i + width);
    const replacement = map(codePoint, source);
    if (replacement !== source) {
      out += text.slice(kept, i) + replacement;
      kept = i + width;
    }
    i += width;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

/** Rewrites code point by code point; unchanged stretches stay one run so their alignment is kept as is. */
function mapCodePoints(input: NormalizedText, map: (codePoint: number, source: string) => string): NormalizedText {
  const text = input.text;
  const runs: [number, number, string][] = [];
  let kept = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    const source = text.slice(i, i + width);
    const replacement = map(codePoint, source);
    if (replacement !== source) {
      if (i > kept) runs.push([kept, i, text.slice(kept, i)]);
      runs.push([i, i + width, replacement]);
      kept = i + width;
    }
    i += width;
  }
  if (runs.length === 0) return input;
  if (kept < text.length) runs.push([kept, text.length, text.slice(kept)]);
  return input.transform(runs);
}

/** NFD, then drop nonspacing marks; each base character and its marks form one run. */
function stripAccents(input: NormalizedText): NormalizedText {
  const text = input.text;
  const runs: [number, number, string][] = [];
  let changed = false;
  for (const [start, end] of combiningClusters(text)) {
    const source = text.slice(start, end);
    const replacement = withoutMarks(bertNfd(source));
    if (replacement !== source) changed = true;
    runs.push([start, end, replacement]);
  }
  return changed ? input.transform(runs) : input;
}

/** Drops nonspacing marks (Hugging Face's `Mn` table). */
export function withoutMarks(text: string): string {
  let out = '';
  let kept = 0;
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    if (isNonspacingMark(codePoint)) {
      out += text.slice(kept, i);
      kept = i + width;
    }
    i += width;
  }
  return kept === 0 ? text : out + text.slice(kept);
}
