import {codePoints} from './code-point-runs.js';
import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';

/** Locale-independent lowercasing, code point by code point (tokenizer.json type `Lowercase`). */
export class LowercaseNormalizer implements Normalizer {
  readonly type = 'Lowercase';

  normalize(input: NormalizedText): NormalizedText {
    const text = input.text;
    if (text.toLowerCase() === text) return input;
    const runs: [number, number, string][] = [];
    for (const [start, end] of codePoints(text)) {
      const source = text.slice(start, end);
      runs.push([start, end, source.toLowerCase()]);
    }
    return input.transform(runs);
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}
