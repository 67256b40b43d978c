/**
 * The scripts SentencePiece and Hugging Face tell apart when they split by script; a character of any other
 * script is `Other:<block of 128 code points>`, so two unlisted scripts far apart still differ.
 */
const SCRIPT_NAMES = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Georgian',
  'Hangul',
  'Ethiopic',
  'Cherokee',
  'Khmer',
  'Mongolian',
  'Han',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Yi',
  'Common',
  'Inherited',
];
const SCRIPT_TESTS = SCRIPT_NAMES.map((name) => [name, new RegExp(`^\\p{Script=${name}}$`, 'u')] as const);
/** Filled as characters are met: a corpus has few distinct ones, and each lookup tries up to 39 regexes. */
const scripts = new Map<number, string>();

/** The Unicode script of a code point, by the names above. */
export function unicodeScript(code: number): string {
  let script = scripts.get(code);
  if (script === undefined) {
    const char = String.fromCodePoint(code);
    script = SCRIPT_TESTS.find(([, test]) => test.test(char))?.[0] ?? `Other:${code >> 7}`;
    scripts.set(code, script);
  }
  return script;
}
