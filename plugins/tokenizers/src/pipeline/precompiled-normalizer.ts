import {CodexError, ExitCode} from '@codex-ml/core';
import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';

const utf8 = new TextEncoder();
const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/**
 * SentencePiece's compiled normalization rules (tokenizer.json type `Precompiled`, the `precompiled_charsmap` of
 * T5, ALBERT, XLNet and other SentencePiece conversions): a Darts double-array trie over UTF-8 keys and a blob of
 * NUL-terminated replacements. Applied as Hugging Face does: per grapheme cluster shorter than 6 bytes the
 * shortest matching key replaces the whole cluster, otherwise code point by code point.
 */
export class PrecompiledNormalizer implements Normalizer {
  readonly type = 'Precompiled';
  readonly charsmap: Uint8Array;
  readonly #trie: Uint32Array;
  readonly #normalized: Uint8Array;
  readonly #decoder = new TextDecoder('utf-8');

  constructor(charsmap: Uint8Array) {
    this.charsmap = charsmap;
    if (charsmap.length === 0) {
      this.#trie = new Uint32Array(0);
      this.#normalized = new Uint8Array(0);
      return;
    }
    const view = new DataView(charsmap.buffer, charsmap.byteOffset, charsmap.byteLength);
    if (charsmap.length < 4) throw new RangeError('charsmap shorter than its header');
    const trieBytes = view.getUint32(0, true);
    if (trieBytes % 4 !== 0 || 4 + trieBytes > charsmap.length) throw new RangeError('charsmap trie size out of range');
    this.#trie = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.#trie.length; i++) this.#trie[i] = view.getUint32(4 + i * 4, true);
    this.#normalized = charsmap.subarray(4 + trieBytes);
  }

  static fromBase64(base64: string, where: {readonly source: string; readonly path: string}): PrecompiledNormalizer {
    try {
      return new PrecompiledNormalizer(Uint8Array.from(Buffer.from(base64, 'base64')));
    } catch (error) {
      throw new CodexError(
        'E_TOKENIZER',
        `${where.source}: ${where.path}.precompiled_charsmap: ${error instanceof Error ? error.message : String(error)}`,
        {
          hint: 'fix or regenerate the tokenizer file',
          exitCode: ExitCode.input,
        },
      );
    }
  }

  normalize(input: NormalizedText): NormalizedText {
    if (this.#trie.length === 0) return input;
    const text = input.text;
    const runs: [number, number, string][] = [];
    let changed = false;
    let kept = 0;
    const replace = (start: number, end: number, replacement: string) => {
      if (start > kept) runs.push([kept, start, text.slice(kept, start)]);
      runs.push([start, end, replacement]);
      kept = end;
      changed = true;
    };
    for (const {segment, index} of segmenter.segment(text)) {
      if (utf8.encode(segment).length < 6) {
        const whole = this.#transform(segment);
        if (whole !== undefined) {
          replace(index, index + segment.length, whole);
          continue;
        }
      }
      for (let i = 0; i < segment.length; ) {
        const code = segment.codePointAt(i) as number;
        const width = code > 0xffff ? 2 : 1;
        const replacement = this.#transform(segment.slice(i, i + width));
        if (replacement !== undefined) replace(index + i, index + i + width, replacement);
        i += width;
      }
    }
    if (!changed) return input;
    if (kept < text.length) runs.push([kept, text.length, text.slice(kept)]);
    return input.transform(runs);
  }

  /** The replacement of the shortest key that prefixes `chunk`, if any. */
  #transform(chunk: string): string | undefined {
    const trie = this.#trie;
    const key = utf8.encode(chunk);
    let position = offset(trie[0] as number);
    for (const byte of key) {
      if (byte === 0) return undefined;
      position ^= byte;
      const unit = trie[position];
      if (unit === undefined || label(unit) !== byte) return undefined;
      position ^= offset(unit);
      if (((unit >>> 8) & 1) === 1) {
        const start = (trie[position] as number) & 0x7fffffff;
        let end = start;
        while (end < this.#normalized.length && this.#normalized[end] !== 0) end++;
        return this.#decoder.decode(this.#normalized.subarray(start, end));
      }
    }
    return undefined;
  }

  toJSON(): JsonObject {
    return {type: this.type, precompiled_charsmap: Buffer.from(this.charsmap).toString('base64')};
  }
}

function label(unit: number): number {
  return unit & (0x80000000 | 0xff);
}

function offset(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}
