import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';

/**
 * Puts `prepend` before non-empty text (tokenizer.json type `Prepend`; Llama 2 and Mistral prepend `▁`). The added
 * characters align to the first character of the input, as in Hugging Face tokenizers.
 */
export class PrependNormalizer implements Normalizer {
  readonly type = 'Prepend';
  readonly prepend: string;

  constructor(prepend: string) {
    this.prepend = prepend;
  }

  normalize(input: NormalizedText): NormalizedText {
    if (input.text.length === 0 || this.prepend.length === 0) return input;
    return input.insertBefore(this.prepend);
  }

  toJSON(): JsonObject {
    return {type: this.type, prepend: this.prepend};
  }
}
