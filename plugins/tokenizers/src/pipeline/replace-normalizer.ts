import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';
import {type TextPattern, forEachMatch} from './text-pattern.js';

/**
 * Replaces every match of a literal string or an Oniguruma regex by `content` (tokenizer.json type `Replace`;
 * Llama 2 and Gemma turn spaces into `▁`). Replacement characters align to the range they replace.
 */
export class ReplaceNormalizer implements Normalizer {
  readonly type = 'Replace';
  readonly pattern: TextPattern;
  readonly content: string;

  constructor(pattern: TextPattern, content: string) {
    this.pattern = pattern;
    this.content = content;
  }

  normalize(input: NormalizedText): NormalizedText {
    const text = input.text;
    const runs: [number, number, string][] = [];
    let at = 0;
    forEachMatch(this.pattern, text, (start, end) => {
      if (start > at) runs.push([at, start, text.slice(at, start)]);
      runs.push([start, end, this.content]);
      at = end;
    });
    if (runs.length === 0) return input;
    if (at < text.length) runs.push([at, text.length, text.slice(at)]);
    return input.transform(runs);
  }

  toJSON(): JsonObject {
    return {type: this.type, pattern: this.pattern.toJSON(), content: this.content};
  }
}
