/**
 * A hand-written matcher for `GPT2_PATTERN` that yields exactly the regex's matches, several times faster: one
 * pass over character classes instead of a Unicode-property backtracking regex. Classes of non-ASCII code
 * points come from the same Unicode properties the regex uses (`\p{L}`, `\p{N}`, `\s`), cached per code point.
 *
 * The alternatives, tried in the regex's order at each position:
 * `'s|'t|'re|'ve|'m|'ll|'d`, ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`, `\s+(?!\S)`, `\s+`.
 */
const LETTER = 1;
const NUMBER = 2;
const SPACE = 3;
const OTHER = 4;

const ASCII_CLASS = (() => {
  const table = new Uint8Array(128).fill(OTHER);
  for (let c = 0x41; c <= 0x5a; c++) table[c] = LETTER;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = LETTER;
  for (let c = 0x30; c <= 0x39; c++) table[c] = NUMBER;
  for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) table[c] = SPACE;
  return table;
})();

const wideClasses = new Map<number, number>();
const IS_LETTER = /^\p{L}$/u;
const IS_NUMBER = /^\p{N}$/u;
const IS_SPACE = /^\s$/u;

function wideClass(code: number): number {
  let cls = wideClasses.get(code);
  if (cls === undefined) {
    const char = String.fromCodePoint(code);
    cls = IS_LETTER.test(char) ? LETTER : IS_NUMBER.test(char) ? NUMBER : IS_SPACE.test(char) ? SPACE : OTHER;
    wideClasses.set(code, cls);
  }
  return cls;
}

/** Class and width (in code units) of the code point at `i`; lone surrogates are OTHER, width 1. */
function classAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code < 128) return ASCII_CLASS[code] as number;
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
    const low = text.charCodeAt(i + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return wideClass(0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)) | 8;
  }
  if (code >= 0xd800 && code <= 0xdfff) return OTHER;
  return wideClass(code);
}

/** End of the run of `cls` starting at `i` (which has that class). */
function runEnd(text: string, i: number, cls: number): number {
  const n = text.length;
  while (i < n) {
    const c = classAt(text, i);
    if ((c & 7) !== cls) break;
    i += c & 8 ? 2 : 1;
  }
  return i;
}

/** Calls `visit(start, end)` for each match of `GPT2_PATTERN` in `text`, in order. */
export function forEachGpt2Piece(text: string, visit: (start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code === 0x27 && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x73 || next === 0x74 || next === 0x6d || next === 0x64) {
        visit(i, i + 2);
        i += 2;
        continue;
      }
      if (i + 2 < n) {
        const third = text.charCodeAt(i + 2);
        if ((next === 0x72 && third === 0x65) || (next === 0x76 && third === 0x65) || (next === 0x6c && third === 0x6c)) {
          visit(i, i + 3);
          i += 3;
          continue;
        }
      }
    }
    let start = i;
    let at = i;
    if (code === 0x20 && i + 1 < n) {
      const following = classAt(text, i + 1) & 7;
      if (following !== SPACE) at = i + 1;
    }
    const cls = classAt(text, at) & 7;
    if (cls !== SPACE) {
      const end = runEnd(text, at, cls);
      visit(start, end);
      i = end;
      continue;
    }
    // Whitespace: `\s+(?!\S)` takes the run but leaves its last character when non-space follows; a single
    // whitespace character before non-space falls to `\s+`.
    start = i;
    const end = runEnd(text, i, SPACE);
    if (end < n && end - start > 1) {
      const last = text.charCodeAt(end - 1);
      const lastWidth = last >= 0xdc00 && last <= 0xdfff ? 2 : 1;
      visit(start, end - lastWidth);
      i = end - lastWidth;
      continue;
    }
    visit(start, end);
    i = end;
  }
}
