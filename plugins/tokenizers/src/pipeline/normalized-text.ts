/**
 * A string being normalized together with, for each UTF-16 code unit of the normalized text, the range of the
 * original input it came from (the role of Hugging Face's `NormalizedString` alignments). Offsets reported by
 * encodings are always into the original input.
 */
export class NormalizedText {
  readonly original: string;
  readonly text: string;
  /** `[start0, end0, start1, end1, …]` per normalized code unit; `undefined` while text === original. */
  readonly #alignments: Uint32Array | undefined;

  private constructor(original: string, text: string, alignments: Uint32Array | undefined) {
    this.original = original;
    this.text = text;
    this.#alignments = alignments;
  }

  static from(original: string): NormalizedText {
    return new NormalizedText(original, original, undefined);
  }

  get isIdentity(): boolean {
    return this.#alignments === undefined;
  }

  /** Start in the original input of normalized code unit `index`. */
  originalStart(index: number): number {
    const alignments = this.#alignments;
    if (alignments === undefined) return index;
    if (index >= this.text.length) return this.original.length;
    return alignments[index * 2] as number;
  }

  /** End in the original input of normalized code unit `index` (exclusive). */
  originalEnd(index: number): number {
    const alignments = this.#alignments;
    if (alignments === undefined) return index + 1;
    if (index < 0) return 0;
    return alignments[index * 2 + 1] as number;
  }

  /** The original range covered by normalized code units `[start, end)`; empty ranges map to a point. */
  originalRange(start: number, end: number): [number, number] {
    if (this.#alignments === undefined) return [start, end];
    if (end <= start) {
      const at = this.originalStart(start);
      return [at, at];
    }
    return [this.originalStart(start), this.originalEnd(end - 1)];
  }

  /** `prefix` + the text; the prefix aligns to the original range of the first character. */
  insertBefore(prefix: string): NormalizedText {
    const length = this.text.length;
    const aligned = new Uint32Array((prefix.length + length) * 2);
    const from = this.originalStart(0);
    const to = length === 0 ? from : this.originalEnd(0);
    for (let i = 0; i < prefix.length; i++) {
      aligned[i * 2] = from;
      aligned[i * 2 + 1] = to;
    }
    for (let i = 0; i < length; i++) {
      aligned[(prefix.length + i) * 2] = this.originalStart(i);
      aligned[(prefix.length + i) * 2 + 1] = this.originalEnd(i);
    }
    return new NormalizedText(this.original, prefix + this.text, aligned);
  }

  /**
   * Replaces the text piece by piece. `map` is called with consecutive runs of the current text (each a whole
   * number of code points) and returns their replacement; every code unit of a replacement aligns to the
   * original range of the run it replaces.
   */
  transform(runs: Iterable<readonly [start: number, end: number, replacement: string]>): NormalizedText {
    const parts: string[] = [];
    const aligned: number[] = [];
    let changed = false;
    for (const [start, end, replacement] of runs) {
      const source = this.text.slice(start, end);
      if (replacement !== source) changed = true;
      parts.push(replacement);
      if (replacement.length === end - start) {
        for (let i = 0; i < replacement.length; i++) {
          aligned.push(this.originalStart(start + i), this.originalEnd(start + i));
        }
      } else {
        // As Hugging Face's transforms: the k-th new code point takes the place of the k-th old one; code points
        // beyond the old count are insertions sharing the last old one's range.
        const old = codePointStarts(this.text, start, end);
        let k = 0;
        for (let i = 0; i < replacement.length; i++) {
          const at = old[Math.min(k, old.length - 1)] as number;
          const code = this.text.charCodeAt(at);
          const width = code >= 0xd800 && code <= 0xdbff && at + 1 < end ? 2 : 1;
          if (old.length === 0) aligned.push(this.originalStart(start), this.originalStart(start));
          else aligned.push(this.originalStart(at), this.originalEnd(at + width - 1));
          const unit = replacement.charCodeAt(i);
          if (!(unit >= 0xd800 && unit <= 0xdbff && i + 1 < replacement.length)) k++;
        }
      }
    }
    if (!changed) return this;
    return new NormalizedText(this.original, parts.join(''), Uint32Array.from(aligned));
  }
}

/** Start of each code point of `text[start, end)`. */
function codePointStarts(text: string, start: number, end: number): number[] {
  const starts: number[] = [];
  for (let i = start; i < end; ) {
    starts.push(i);
    const code = text.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff && i + 1 < end ? 2 : 1;
  }
  return starts;
}
