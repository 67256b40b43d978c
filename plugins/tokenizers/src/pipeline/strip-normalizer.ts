import {isRustWhitespace} from './rust-chars.js';
import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';

/** Removes leading and/or trailing whitespace (tokenizer.json type `Strip`; Rust's `char::is_whitespace`). */
export class StripNormalizer implements Normalizer {
  readonly type = 'Strip';
  readonly left: boolean;
  readonly right: boolean;

  constructor(left: boolean, right: boolean) {
    this.left = left;
    this.right = right;
  }

  normalize(input: NormalizedText): NormalizedText {
    const text = input.text;
    let start = 0;
    let end = text.length;
    if (this.left) while (start < end && isRustWhitespace(text.charCodeAt(start))) start++;
    if (this.right) while (end > start && isRustWhitespace(text.charCodeAt(end - 1))) end--;
    if (start === 0 && end === text.length) return input;
    const runs: [number, number, string][] = [];
    if (start > 0) runs.push([0, start, '']);
    if (end > start) runs.push([start, end, text.slice(start, end)]);
    if (end < text.length) runs.push([end, text.length, '']);
    return input.transform(runs);
  }

  toJSON(): JsonObject {
    return {type: this.type, strip_left: this.left, strip_right: this.right};
  }
}
