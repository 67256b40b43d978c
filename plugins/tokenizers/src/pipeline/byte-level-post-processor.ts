import {trimByteLevelOffsets} from './byte-level-offsets.js';
import type {EncodingParts} from './encoding-parts.js';
import type {JsonObject} from './normalizer.js';
import type {PostProcessor} from './post-processor.js';

/**
 * GPT-2's post-processor (tokenizer.json type `ByteLevel`): adds no tokens; with `trimOffsets`, offsets leave
 * out the spaces a token starts or ends with.
 */
export class ByteLevelPostProcessor implements PostProcessor {
  readonly type = 'ByteLevel';
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;

  constructor(options: {addPrefixSpace?: boolean; trimOffsets?: boolean; useRegex?: boolean} = {}) {
    this.addPrefixSpace = options.addPrefixSpace ?? true;
    this.trimOffsets = options.trimOffsets ?? true;
    this.useRegex = options.useRegex ?? true;
  }

  addedTokens(): number {
    return 0;
  }

  addedPairTokens(): number {
    return 0;
  }

  process(parts: EncodingParts, _addSpecialTokens: boolean): EncodingParts {
    if (this.trimOffsets) trimByteLevelOffsets(parts, this.addPrefixSpace);
    return parts;
  }

  processEncodings(encodings: readonly EncodingParts[], addSpecialTokens: boolean): EncodingParts[] {
    return encodings.map((parts) => this.process(parts, addSpecialTokens));
  }

  toJSON(): JsonObject {
    return {type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex};
  }
}
