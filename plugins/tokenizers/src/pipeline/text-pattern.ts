import {OnigurumaPattern} from '../regex/oniguruma-pattern.js';
import type {JsonObject} from './json-value.js';

/** A tokenizer.json `pattern`: `{"String": …}` matched literally or `{"Regex": …}` in Oniguruma syntax. */
export type TextPattern =
  | {readonly kind: 'string'; readonly text: string; toJSON(): JsonObject}
  | {readonly kind: 'regex'; readonly regex: OnigurumaPattern; toJSON(): JsonObject};

export function literalPattern(text: string): TextPattern {
  return {kind: 'string', text, toJSON: () => ({String: text})};
}

export function regexPattern(source: string, where?: string): TextPattern {
  const regex = new OnigurumaPattern(source, where);
  return {kind: 'regex', regex, toJSON: () => ({Regex: source})};
}

/** Visits the non-overlapping, non-empty matches of `pattern` in `text`, left to right. */
export function forEachMatch(pattern: TextPattern, text: string, visit: (start: number, end: number) => void): void {
  if (pattern.kind === 'string') {
    const needle = pattern.text;
    if (needle.length === 0) return;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) visit(at, at + needle.length);
    return;
  }
  const regex = pattern.regex.matcher();
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    const length = match[0].length;
    if (length === 0) {
      // Step over a whole code point, as Oniguruma does after an empty match.
      const code = text.charCodeAt(match.index);
      regex.lastIndex = match.index + (code >= 0xd800 && code <= 0xdbff ? 2 : 1);
      continue;
    }
    visit(match.index, match.index + length);
  }
}
