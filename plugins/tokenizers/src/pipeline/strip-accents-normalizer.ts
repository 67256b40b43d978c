import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';

/**
 * Removes combining marks (`\p{M}`: nonspacing, spacing and enclosing), tokenizer.json type `StripAccents`.
 * Precomposed letters keep their accents unless an `NFD`/`NFKD` normalizer runs first, exactly as in Hugging Face
 * tokenizers.
 */
export class StripAccentsNormalizer implements Normalizer {
  readonly type = 'StripAccents';

  normalize(input: NormalizedText): NormalizedText {
    const text = input.text;
    const marks = /\p{M}+/gu;
    if (!marks.test(text)) return input;
    marks.lastIndex = 0;
    const runs: [number, number, string][] = [];
    let at = 0;
    for (const match of text.matchAll(marks)) {
      if (match.index > at) runs.push([at, match.index, text.slice(at, match.index)]);
      runs.push([match.index, match.index + match[0].length, '']);
      at = match.index + match[0].length;
    }
    if (at < text.length) runs.push([at, text.length, text.slice(at)]);
    return input.transform(runs);
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}
