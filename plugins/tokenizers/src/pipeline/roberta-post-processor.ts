import {trimByteLevelOffsets} from './byte-level-offsets.js';
import {type EncodingParts, type SpecialPiece, wrapParts} from './encoding-parts.js';
import type {JsonObject} from './normalizer.js';
import type {PostProcessor} from './post-processor.js';
import {TemplatePostProcessor} from './template-post-processor.js';

/** A special token as RoBERTa's post-processor names it: its text and id. */
export type RobertaSpecial = SpecialPiece;

/**
 * RoBERTa's `<s> $A </s>` and `<s> $A </s> </s> $B </s>` (tokenizer.json type `RobertaProcessing`):
 * byte-level offset trimming when `trim_offsets`, every type id 0, then the wrapping.
 */
export class RobertaPostProcessor implements PostProcessor {
  readonly type = 'RobertaProcessing';
  readonly sep: RobertaSpecial;
  readonly cls: RobertaSpecial;
  readonly trimOffsets: boolean;
  readonly addPrefixSpace: boolean;
  readonly #template: TemplatePostProcessor;

  constructor(sep: RobertaSpecial, cls: RobertaSpecial, trimOffsets = true, addPrefixSpace = true) {
    this.sep = sep;
    this.cls = cls;
    this.trimOffsets = trimOffsets;
    this.addPrefixSpace = addPrefixSpace;
    this.#template = TemplatePostProcessor.wrap(cls, sep);
  }

  addedTokens(): number {
    return 2;
  }

  addedPairTokens(): number {
    return 4;
  }

  process(parts: EncodingParts, addSpecialTokens: boolean): EncodingParts {
    if (this.trimOffsets) trimByteLevelOffsets(parts, this.addPrefixSpace);
    return this.#template.process(parts, addSpecialTokens);
  }

  /** `<s> A </s>` then `</s> B </s>`, all type id 0 (without special tokens, the windows keep theirs, as in HF). */
  processEncodings(encodings: readonly EncodingParts[], addSpecialTokens: boolean): EncodingParts[] {
    if (this.trimOffsets) for (const parts of encodings) trimByteLevelOffsets(parts, this.addPrefixSpace);
    const zeroed = encodings.map((parts) => ({...parts, typeIds: parts.typeIds.map(() => 0)}));
    if (!addSpecialTokens) return zeroed;
    const types = {special: 0, sequence: 0, window: 0};
    return zeroed.map((parts, i) => wrapParts(parts, [i === 0 ? this.cls : this.sep], [this.sep], types));
  }

  toJSON(): JsonObject {
    return {
      type: this.type,
      sep: [this.sep.token, this.sep.id],
      cls: [this.cls.token, this.cls.id],
      trim_offsets: this.trimOffsets,
      add_prefix_space: this.addPrefixSpace,
    };
  }
}
