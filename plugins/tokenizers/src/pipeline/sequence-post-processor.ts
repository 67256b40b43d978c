import type {EncodingParts} from './encoding-parts.js';
import type {JsonObject} from './normalizer.js';
import type {PostProcessor} from './post-processor.js';

/** Post-processors applied in order (tokenizer.json type `Sequence`, e.g. ByteLevel then TemplateProcessing). */
export class SequencePostProcessor implements PostProcessor {
  readonly type = 'Sequence';
  readonly processors: readonly PostProcessor[];

  constructor(processors: readonly PostProcessor[]) {
    this.processors = [...processors];
  }

  addedTokens(): number {
    return this.processors.reduce((sum, processor) => sum + processor.addedTokens(), 0);
  }

  addedPairTokens(): number {
    return this.processors.reduce((sum, processor) => sum + processor.addedPairTokens(), 0);
  }

  processEncodings(encodings: readonly EncodingParts[], addSpecialTokens: boolean): EncodingParts[] {
    let current = [...encodings];
    for (const processor of this.processors) current = processor.processEncodings(current, addSpecialTokens);
    return current;
  }

  process(parts: EncodingParts, addSpecialTokens: boolean): EncodingParts {
    let current = parts;
    for (const processor of this.processors) current = processor.process(current, addSpecialTokens);
    return current;
  }

  toJSON(): JsonObject {
    return {type: this.type, processors: this.processors.map((processor) => processor.toJSON())};
  }
}
