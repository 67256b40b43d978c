import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';

/** Applies normalizers in order (tokenizer.json type `Sequence`). */
export class SequenceNormalizer implements Normalizer {
  readonly type = 'Sequence';
  readonly normalizers: readonly Normalizer[];

  constructor(normalizers: readonly Normalizer[]) {
    this.normalizers = [...normalizers];
  }

  normalize(input: NormalizedText): NormalizedText {
    let current = input;
    for (const normalizer of this.normalizers) current = normalizer.normalize(current);
    return current;
  }

  toJSON(): JsonObject {
    return {type: this.type, normalizers: this.normalizers.map((normalizer) => normalizer.toJSON())};
  }
}
