import {type EncodingParts, type SpecialPiece, wrapParts} from '../pipeline/encoding-parts.js';
import type {JsonObject} from '../pipeline/json-value.js';
import type {PostProcessor} from '../pipeline/post-processor.js';
import {TemplatePostProcessor} from '../pipeline/template-post-processor.js';

/** A special token as BERT's post-processor names it: its text and id. */
export type BertSpecial = SpecialPiece;

/**
 * BERT's `[CLS] $A [SEP]` and `[CLS] $A [SEP] $B [SEP]` wrapping (tokenizer.json type `BertProcessing`, written
 * by older Hugging Face BERT files); the same as the template `[CLS] $A:0 [SEP]:0 $B:1 [SEP]:1`, kept as its own
 * type so that a loaded file saves back as it was read.
 */
export class BertPostProcessor implements PostProcessor {
  readonly type = 'BertProcessing';
  readonly sep: BertSpecial;
  readonly cls: BertSpecial;
  readonly #template: TemplatePostProcessor;

  constructor(sep: BertSpecial, cls: BertSpecial) {
    this.sep = sep;
    this.cls = cls;
    this.#template = TemplatePostProcessor.wrap(cls, sep);
  }

  addedTokens(): number {
    return 2;
  }

  addedPairTokens(): number {
    return 3;
  }

  process(parts: EncodingParts, addSpecialTokens: boolean): EncodingParts {
    return this.#template.process(parts, addSpecialTokens);
  }

  /** `[CLS] A [SEP]` with type id 0, then `B [SEP]` with the second sequence's type id (1). */
  processEncodings(encodings: readonly EncodingParts[], addSpecialTokens: boolean): EncodingParts[] {
    if (!addSpecialTokens) return [...encodings];
    return encodings.map((parts, i) =>
      i === 0 ? wrapParts(parts, [this.cls], [this.sep], {special: 0}) : wrapParts(parts, [], [this.sep], {special: 1}),
    );
  }

  toJSON(): JsonObject {
    return {type: this.type, sep: [this.sep.token, this.sep.id], cls: [this.cls.token, this.cls.id]};
  }
}
