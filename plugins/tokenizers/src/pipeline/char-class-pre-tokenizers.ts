import type {JsonObject} from './normalizer.js';
import type {PreToken, PreTokenizer} from './pre-tokenizer.js';
import {type SplitBehavior, splitByMatches} from './split-behavior.js';
import {unicodeScript} from './unicode-script.js';

/** Each code point satisfying `test` is one match. */
function eachCharMatch(text: string, test: RegExp): (visit: (start: number, end: number) => void) => void {
  return (visit) => {
    for (let i = 0; i < text.length; ) {
      const code = text.codePointAt(i) as number;
      const width = code > 0xffff ? 2 : 1;
      if (test.test(text.slice(i, i + width))) visit(i, i + width);
      i += width;
    }
  };
}

const NUMERIC = /^\p{N}$/u;
// Rust's is_ascii_punctuation || char::is_punctuation (general category P).
const PUNCTUATION = /^(?:[!-/:-@[-`{-~]|\p{P})$/u;

/** Splits digits from the rest (tokenizer.json type `Digits`): each digit alone, or runs of digits together. */
export class DigitsPreTokenizer implements PreTokenizer {
  readonly type = 'Digits';
  readonly individualDigits: boolean;

  constructor(individualDigits: boolean) {
    this.individualDigits = individualDigits;
  }

  preTokenize(text: string): PreToken[] {
    return splitByMatches(text, eachCharMatch(text, NUMERIC), this.individualDigits ? 'Isolated' : 'Contiguous', false);
  }

  toJSON(): JsonObject {
    return {type: this.type, individual_digits: this.individualDigits};
  }
}

/** Splits off punctuation characters (tokenizer.json type `Punctuation`), by default each on its own. */
export class PunctuationPreTokenizer implements PreTokenizer {
  readonly type = 'Punctuation';
  readonly behavior: SplitBehavior;

  constructor(behavior: SplitBehavior = 'Isolated') {
    this.behavior = behavior;
  }

  preTokenize(text: string): PreToken[] {
    return splitByMatches(text, eachCharMatch(text, PUNCTUATION), this.behavior, false);
  }

  toJSON(): JsonObject {
    return {type: this.type, behavior: this.behavior};
  }
}

/** Splits on one delimiter character, which is dropped (tokenizer.json type `CharDelimiterSplit`). */
export class CharDelimiterSplitPreTokenizer implements PreTokenizer {
  readonly type = 'CharDelimiterSplit';
  readonly delimiter: string;

  constructor(delimiter: string) {
    this.delimiter = delimiter;
  }

  preTokenize(text: string): PreToken[] {
    const delimiter = this.delimiter;
    return splitByMatches(
      text,
      (visit) => {
        for (let at = text.indexOf(delimiter); at >= 0; at = text.indexOf(delimiter, at + delimiter.length))
          visit(at, at + delimiter.length);
      },
      'Removed',
      false,
    );
  }

  toJSON(): JsonObject {
    return {type: this.type, delimiter: this.delimiter};
  }
}

/** Hugging Face's `fixed_script`: a space is Any, Hiragana, Katakana and U+30FC count as Han. */
function fixedScript(code: number): string {
  if (code === 0x30fc) return 'Han';
  if (code === 0x20) return 'Any';
  const script = unicodeScript(code);
  return script === 'Hiragana' || script === 'Katakana' ? 'Han' : script;
}

/** Splits where the Unicode script changes (tokenizer.json type `UnicodeScripts`); spaces join either side. */
export class UnicodeScriptsPreTokenizer implements PreTokenizer {
  readonly type = 'UnicodeScripts';

  preTokenize(text: string): PreToken[] {
    // Hugging Face cuts at each change of script and at the first character with a script; whatever comes before
    // that one (leading spaces) is dropped, as there.
    const cuts: number[] = [];
    let last: string | undefined;
    for (let i = 0; i < text.length; ) {
      const code = text.codePointAt(i) as number;
      const script = fixedScript(code);
      if (script !== 'Any' && last !== 'Any' && last !== script) cuts.push(i);
      if (script !== 'Any') last = script;
      i += code > 0xffff ? 2 : 1;
    }
    cuts.push(text.length);
    const pieces: PreToken[] = [];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const start = cuts[k] as number;
      const end = cuts[k + 1] as number;
      if (end > start) pieces.push({text: text.slice(start, end), start, end});
    }
    return pieces;
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}
