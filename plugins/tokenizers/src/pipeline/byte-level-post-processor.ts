import {BYTE_TO_CHAR} from './byte-level-alphabet.js';
import type {EncodingParts} from './encoding-parts.js';
import type {JsonObject} from './normalizer.js';
import type {PostProcessor} from './post-processor.js';

const SPACE = BYTE_TO_CHAR[0x20] as string;

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

  process(parts: EncodingParts, _addSpecialTokens: boolean): EncodingParts {
    if (this.trimOffsets) this.#trim(parts);
    for (const window of parts.overflowing) this.process(window, _addSpecialTokens);
    return parts;
  }

  #trim(parts: EncodingParts): void {
    parts.offsets = parts.offsets.map((offsets, i) => {
      const token = parts.tokens[i] as string;
      let [start, end] = offsets;
      let leading = 0;
      while (leading < token.length && token[leading] === SPACE) leading++;
      let trailing = 0;
      while (trailing < token.length - leading && token[token.length - 1 - trailing] === SPACE) trailing++;
      if (leading > 0 && start + leading <= end) start += leading;
      if (trailing > 0 && end - trailing >= start) end -= trailing;
      return [start, end] as const;
    });
  }

  toJSON(): JsonObject {
    return {type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex};
  }
}
