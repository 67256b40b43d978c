import {ByteLevelPreTokenizer} from './byte-level-pre-tokenizer.js';
import type {JsonObject} from './normalizer.js';
import {type ByteLevelSource, type PreToken, type PreTokenizer, pieceRange} from './pre-tokenizer.js';
import {SplitPreTokenizer} from './split-pre-tokenizer.js';

/** Applies pre-tokenizers in order, each splitting the pieces of the previous one (type `Sequence`). */
export class SequencePreTokenizer implements PreTokenizer {
  readonly type = 'Sequence';
  readonly preTokenizers: readonly PreTokenizer[];

  constructor(preTokenizers: readonly PreTokenizer[]) {
    this.preTokenizers = [...preTokenizers];
  }

  preTokenize(text: string, atStart = true): PreToken[] {
    let pieces: PreToken[] = [{text, start: 0, end: text.length}];
    for (const stage of this.preTokenizers) {
      const next: PreToken[] = [];
      for (const piece of pieces) {
        for (const child of stage.preTokenize(piece.text, atStart && piece.start === 0)) next.push(compose(piece, child));
      }
      pieces = next;
    }
    return pieces;
  }

  /**
   * `[Split(pattern), ByteLevel(no regex, no prefix space)]` qualifies when the split's pieces are its matches
   * (and gaps): how tiktoken imports and Llama 3, Qwen and GPT-4o files are built.
   */
  byteLevelSource(): ByteLevelSource | undefined {
    const [split, byteLevel, ...rest] = this.preTokenizers;
    if (rest.length > 0 || !(split instanceof SplitPreTokenizer) || !(byteLevel instanceof ByteLevelPreTokenizer)) return undefined;
    return byteLevel.useRegex || byteLevel.addPrefixSpace ? undefined : split.matches();
  }

  toJSON(): JsonObject {
    return {type: this.type, pretokenizers: this.preTokenizers.map((stage) => stage.toJSON())};
  }
}

/** Re-expresses `child` (relative to `parent.text`) relative to the text `parent` was cut from. */
function compose(parent: PreToken, child: PreToken): PreToken {
  if (parent.unitStarts === undefined && child.unitStarts === undefined) {
    return {text: child.text, start: parent.start + child.start, end: parent.start + child.end};
  }
  const [start, end] = pieceRange(parent, child.start, child.end);
  const starts = new Uint32Array(child.text.length);
  const ends = new Uint32Array(child.text.length);
  for (let i = 0; i < child.text.length; i++) {
    const [from, to] = pieceRange(child, i, i + 1);
    const [absFrom] = pieceRange(parent, from, from + 1);
    const [, absTo] = pieceRange(parent, to - 1, to);
    starts[i] = absFrom - start;
    ends[i] = absTo - start;
  }
  return {text: child.text, start, end, unitStarts: starts, unitEnds: ends};
}
