import type {PrependScheme} from './metaspace.js';
import type {JsonObject} from './normalizer.js';
import type {PreToken, PreTokenizer} from './pre-tokenizer.js';

/**
 * SentencePiece's whitespace handling (tokenizer.json type `Metaspace`): spaces become `replacement` (`▁`), the
 * replacement is prepended per `prepend_scheme` (`first`: only to the piece that starts the input), and with
 * `split` each `▁` starts a new piece. The replacement is one code unit per space, so offsets are unchanged; a
 * prepended one points at the piece's first character.
 */
export class MetaspacePreTokenizer implements PreTokenizer {
  readonly type = 'Metaspace';
  readonly replacement: string;
  readonly prependScheme: PrependScheme;
  readonly split: boolean;

  constructor(replacement = '▁', prependScheme: PrependScheme = 'always', split = true) {
    this.replacement = replacement;
    this.prependScheme = prependScheme;
    this.split = split;
  }

  preTokenize(text: string, atStart = true): PreToken[] {
    const replaced = text.replaceAll(' ', this.replacement);
    const prepend =
      replaced.length > 0 &&
      !replaced.startsWith(this.replacement) &&
      (this.prependScheme === 'always' || (this.prependScheme === 'first' && atStart));
    const source = prepend ? this.replacement + replaced : replaced;
    const shift = prepend ? this.replacement.length : 0;
    const cuts: [number, number][] = [];
    if (this.split) {
      let start = 0;
      for (let at = source.indexOf(this.replacement, 1); at > 0; at = source.indexOf(this.replacement, at + 1)) {
        cuts.push([start, at]);
        start = at;
      }
      if (start < source.length) cuts.push([start, source.length]);
    } else if (source.length > 0) {
      cuts.push([0, source.length]);
    }
    return cuts.map(([start, end]) => piece(source, start, end, shift));
  }

  toJSON(): JsonObject {
    return {type: this.type, replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split};
  }
}

/** A piece of the prefixed text mapped back onto the unprefixed one: the prefix covers the first character. */
function piece(source: string, start: number, end: number, shift: number): PreToken {
  const text = source.slice(start, end);
  if (shift === 0 || start >= shift) return {text, start: start - shift, end: end - shift};
  const starts = new Uint32Array(text.length);
  const ends = new Uint32Array(text.length);
  const firstEnd = Math.min(1, end - shift);
  for (let i = 0; i < text.length; i++) {
    const original = start + i - shift;
    starts[i] = Math.max(0, original);
    ends[i] = original < 0 ? firstEnd : original + 1;
  }
  return {text, start: 0, end: end - shift, unitStarts: starts, unitEnds: ends};
}
