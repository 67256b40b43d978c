/**
 * A parsed Oniguruma (Ruby syntax) pattern, already in JavaScript terms: each atom carries its JavaScript `u`-mode
 * source. Captures are not kept (tokenizer stages use whole matches only); the only capture groups in the output
 * are the ones atomic groups and possessive quantifiers are emulated with, numbered by `capture`.
 */
export type RegexNode =
  | {readonly kind: 'alt'; readonly alternatives: RegexNode[]}
  | {readonly kind: 'seq'; readonly items: RegexNode[]}
  /** One character, class or assertion; `single` when it can take a quantifier without a group. */
  | {readonly kind: 'atom'; readonly js: string; readonly single: boolean; readonly zeroWidth: boolean}
  | {readonly kind: 'group'; readonly type: GroupType; readonly body: RegexNode; readonly capture: number}
  | {
      readonly kind: 'quant';
      readonly body: RegexNode;
      readonly min: number;
      readonly max: number;
      readonly lazy: boolean;
      readonly possessive: boolean;
      readonly capture: number;
    };

export type GroupType = 'plain' | 'lookahead' | 'negative-lookahead' | 'lookbehind' | 'negative-lookbehind' | 'atomic';

/** Oniguruma's Unicode `\s`: TAB–CR, NEL and the separators (not U+FEFF, which JavaScript's `\s` adds). */
const SPACE_MEMBERS = '\\t\\n\\v\\f\\r\\x85\\p{Z}';
/** Oniguruma's Unicode `\w`: letters, marks, decimal digits, connector punctuation. */
const WORD_MEMBERS = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
const HEX_MEMBERS = '0-9a-fA-F';

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '\\p{Alphabetic}\\p{Nd}',
  alpha: '\\p{Alphabetic}',
  blank: '\\p{Zs}\\t',
  cntrl: '\\p{Cc}',
  digit: '\\p{Nd}',
  lower: '\\p{Lowercase}',
  upper: '\\p{Uppercase}',
  punct: '\\p{P}',
  space: SPACE_MEMBERS,
  word: WORD_MEMBERS,
  xdigit: HEX_MEMBERS,
};

/** Oniguruma property names that JavaScript spells differently. */
const PROPERTY_ALIASES: Readonly<Record<string, string>> = {
  Alnum: '[\\p{Alphabetic}\\p{Nd}]',
  Alpha: '\\p{Alphabetic}',
  Digit: '\\p{Nd}',
  Lower: '\\p{Lowercase}',
  Upper: '\\p{Uppercase}',
  Space: `[${SPACE_MEMBERS}]`,
  Word: `[${WORD_MEMBERS}]`,
  Punct: '\\p{P}',
  Cntrl: '\\p{Cc}',
  XDigit: `[${HEX_MEMBERS}]`,
};

const SYNTAX = new Set('^$\\.*+?()[]{}|/');

class Unsupported extends Error {}

/** Parses `source`; throws an Error naming the first construct that has no JavaScript equivalent. */
export function parseOniguruma(source: string): RegexNode {
  return new Parser(source).parse();
}

class Parser {
  readonly #source: string;
  #at = 0;
  #captures = 0;

  constructor(source: string) {
    this.#source = source;
  }

  parse(): RegexNode {
    const node = this.#alternation(false, false);
    if (this.#at < this.#source.length) throw new Unsupported(`unbalanced ")" at ${this.#at}`);
    return node;
  }

  #peek(offset = 0): string {
    return this.#source[this.#at + offset] ?? '';
  }

  #fail(what: string): never {
    throw new Unsupported(`${what} at offset ${this.#at} is not supported`);
  }

  #alternation(ignoreCase: boolean, dotAll: boolean): RegexNode {
    const alternatives: RegexNode[] = [];
    let flags = {ignoreCase, dotAll};
    for (;;) {
      const items: RegexNode[] = [];
      while (this.#at < this.#source.length && this.#peek() !== '|' && this.#peek() !== ')') {
        const option = this.#inlineOptions(flags);
        if (option) {
          flags = option;
          continue;
        }
        const atom = this.#atom(flags.ignoreCase, flags.dotAll);
        if (atom === undefined) continue;
        items.push(this.#quantified(atom));
      }
      alternatives.push(items.length === 1 ? (items[0] as RegexNode) : {kind: 'seq', items});
      if (this.#peek() !== '|') break;
      this.#at++;
    }
    return alternatives.length === 1 ? (alternatives[0] as RegexNode) : {kind: 'alt', alternatives};
  }

  /** `(?imx-imx)` switching options for the rest of the enclosing group. */
  #inlineOptions(flags: {ignoreCase: boolean; dotAll: boolean}): {ignoreCase: boolean; dotAll: boolean} | undefined {
    const match = /^\(\?([imx]*)(?:-([imx]*))?\)/.exec(this.#source.slice(this.#at));
    if (!match) return undefined;
    this.#at += match[0].length;
    return this.#applyOptions(flags, match[1] ?? '', match[2] ?? '');
  }

  #applyOptions(flags: {ignoreCase: boolean; dotAll: boolean}, on: string, off: string): {ignoreCase: boolean; dotAll: boolean} {
    if (on.includes('x') || off.includes('x')) this.#fail('extended mode (?x)');
    return {
      ignoreCase: on.includes('i') ? true : off.includes('i') ? false : flags.ignoreCase,
      // Ruby's (?m) is dot-all.
      dotAll: on.includes('m') ? true : off.includes('m') ? false : flags.dotAll,
    };
  }

  #quantified(atom: RegexNode): RegexNode {
    let node = atom;
    for (;;) {
      const char = this.#peek();
      let min: number;
      let max: number;
      if (char === '*') [min, max] = [0, Number.POSITIVE_INFINITY];
      else if (char === '+') [min, max] = [1, Number.POSITIVE_INFINITY];
      else if (char === '?') [min, max] = [0, 1];
      else if (char === '{') {
        const match = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.#source.slice(this.#at));
        if (!match || (match[1] === '' && match[3] === undefined)) return node;
        min = match[1] === '' ? 0 : Number(match[1]);
        max = match[2] === undefined ? min : match[3] === '' || match[3] === undefined ? Number.POSITIVE_INFINITY : Number(match[3]);
        if (max < min) this.#fail('a {n,m} quantifier with m < n');
        this.#at += match[0].length - 1;
      } else return node;
      if (node.kind === 'atom' && node.zeroWidth) this.#fail('a quantified assertion');
      this.#at++;
      let lazy = false;
      let possessive = false;
      if (char !== '{' && this.#peek() === '?') {
        lazy = true;
        this.#at++;
      } else if (char !== '{' && this.#peek() === '+') {
        possessive = true;
        this.#at++;
      }
      node = {kind: 'quant', body: node, min, max, lazy, possessive, capture: possessive ? ++this.#captures : 0};
    }
  }

  #atom(ignoreCase: boolean, dotAll: boolean): RegexNode | undefined {
    const char = this.#peek();
    switch (char) {
      case '(':
        return this.#group(ignoreCase, dotAll);
      case '[':
        return this.#class(ignoreCase);
      case '.':
        this.#at++;
        return single(dotAll ? '[\\s\\S]' : '[^\\n]');
      case '^':
        this.#at++;
        // Oniguruma's ^ and $ are line anchors.
        return assertion('(?<![^\\n])');
      case '$':
        this.#at++;
        return assertion('(?![^\\n])');
      case '\\':
        return this.#escape(ignoreCase);
      default: {
        const codePoint = this.#source.codePointAt(this.#at) as number;
        const text = String.fromCodePoint(codePoint);
        this.#at += text.length;
        return literal(text, ignoreCase);
      }
    }
  }

  #group(ignoreCase: boolean, dotAll: boolean): RegexNode | undefined {
    const rest = this.#source.slice(this.#at);
    let type: GroupType = 'plain';
    let flags = {ignoreCase, dotAll};
    if (rest.startsWith('(?#')) {
      const end = this.#source.indexOf(')', this.#at);
      if (end < 0) this.#fail('an unterminated comment');
      this.#at = end + 1;
      return undefined;
    }
    const options = /^\(\?([imx]*)(?:-([imx]*))?:/.exec(rest);
    if (options && (options[1] !== '' || options[2] !== undefined)) {
      flags = this.#applyOptions(flags, options[1] ?? '', options[2] ?? '');
      this.#at += options[0].length;
    } else if (rest.startsWith('(?:')) this.#at += 3;
    else if (rest.startsWith('(?=')) [type, this.#at] = ['lookahead', this.#at + 3];
    else if (rest.startsWith('(?!')) [type, this.#at] = ['negative-lookahead', this.#at + 3];
    else if (rest.startsWith('(?<=')) [type, this.#at] = ['lookbehind', this.#at + 4];
    else if (rest.startsWith('(?<!')) [type, this.#at] = ['negative-lookbehind', this.#at + 4];
    else if (rest.startsWith('(?>')) [type, this.#at] = ['atomic', this.#at + 3];
    else if (/^\(\?(<[A-Za-z_]\w*>|'[A-Za-z_]\w*')/.test(rest))
      this.#at = this.#source.indexOf(rest[2] === '<' ? '>' : "'", this.#at + 3) + 1;
    else if (rest.startsWith('(?')) this.#fail(`the group construct "${rest.slice(0, 3)}"`);
    else this.#at++;
    const capture = type === 'atomic' ? ++this.#captures : 0;
    const body = this.#alternation(flags.ignoreCase, flags.dotAll);
    if (this.#peek() !== ')') this.#fail('an unterminated group');
    this.#at++;
    return {kind: 'group', type, body, capture};
  }

  #escape(ignoreCase: boolean): RegexNode {
    const next = this.#peek(1);
    this.#at += 2;
    switch (next) {
      case 's':
        return single(`[${SPACE_MEMBERS}]`);
      case 'S':
        return single(`[^${SPACE_MEMBERS}]`);
      case 'd':
        return single('\\p{Nd}');
      case 'D':
        return single('\\P{Nd}');
      case 'w':
        return single(`[${WORD_MEMBERS}]`);
      case 'W':
        return single(`[^${WORD_MEMBERS}]`);
      case 'h':
        return single(`[${HEX_MEMBERS}]`);
      case 'H':
        return single(`[^${HEX_MEMBERS}]`);
      case 'b':
        return assertion(`(?:(?<=[${WORD_MEMBERS}])(?![${WORD_MEMBERS}])|(?<![${WORD_MEMBERS}])(?=[${WORD_MEMBERS}]))`);
      case 'B':
        return assertion(`(?:(?<=[${WORD_MEMBERS}])(?=[${WORD_MEMBERS}])|(?<![${WORD_MEMBERS}])(?![${WORD_MEMBERS}]))`);
      case 'A':
        return assertion('^');
      case 'z':
        return assertion('$');
      case 'Z':
        return assertion('(?=\\n?$)');
      case 'R':
        return {kind: 'atom', js: '(?:\\r\\n|[\\n\\v\\f\\r\\x85\\u2028\\u2029])', single: false, zeroWidth: false};
      case 'p':
      case 'P':
        return single(this.#property(next === 'P'));
      default: {
        this.#at -= 2;
        const text = this.#escapedCharacter();
        return literal(text, ignoreCase);
      }
    }
  }

  /** `\p{Name}` / `\P{Name}` / `\p{^Name}` after the `p`, as JavaScript source. */
  #property(negated: boolean): string {
    const match = /^\{(\^?)([A-Za-z_ =]+)\}/.exec(this.#source.slice(this.#at));
    if (!match) this.#fail('a \\p escape without {Name}');
    this.#at += match[0].length;
    const not = negated !== (match[1] === '^');
    const name = (match[2] as string).trim();
    const alias = PROPERTY_ALIASES[name];
    if (alias !== undefined) {
      if (!not) return alias;
      return alias.startsWith('[') ? `[^${alias.slice(1, -1)}]` : alias.replace('\\p{', '\\P{');
    }
    for (const candidate of [name, `Script=${name}`]) {
      try {
        new RegExp(`\\p{${candidate}}`, 'u');
        return `\\${not ? 'P' : 'p'}{${candidate}}`;
      } catch {
        // try the next spelling
      }
    }
    return this.#fail(`the property \\p{${name}}`);
  }

  /** One escaped character (`\n`, `\x41`, `\x{1F600}`, `\.`), as the character itself. */
  #escapedCharacter(): string {
    const next = this.#peek(1);
    const simple: Record<string, string> = {n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', e: '\x1b', a: '\x07'};
    if (next in simple) {
      this.#at += 2;
      return simple[next] as string;
    }
    const rest = this.#source.slice(this.#at);
    const hex = /^\\x\{([0-9A-Fa-f]{1,6})\}|^\\x([0-9A-Fa-f]{1,2})|^\\u([0-9A-Fa-f]{4})/.exec(rest);
    if (hex) {
      this.#at += hex[0].length;
      const codePoint = Number.parseInt((hex[1] ?? hex[2] ?? hex[3]) as string, 16);
      if (codePoint > 0x10ffff) this.#fail('a code point above U+10FFFF');
      return String.fromCodePoint(codePoint);
    }
    if (/^[1-9kgGKXyY]/.test(next)) this.#fail(`the escape \\${next} (backreference, subroutine or other)`);
    if (next === '0') this.#fail('an octal escape');
    if (next === '') this.#fail('a trailing backslash');
    const codePoint = this.#source.codePointAt(this.#at + 1) as number;
    const text = String.fromCodePoint(codePoint);
    this.#at += 1 + text.length;
    return text;
  }

  #class(ignoreCase: boolean): RegexNode {
    this.#at++;
    let negated = false;
    if (this.#peek() === '^') {
      negated = true;
      this.#at++;
    }
    const parts = this.#classBody(ignoreCase);
    return single(`[${negated ? '^' : ''}${parts}]`);
  }

  /** Members of a class up to and including its `]`, as JavaScript class source (nested unions flattened). */
  #classBody(ignoreCase: boolean): string {
    let out = '';
    for (;;) {
      if (this.#at >= this.#source.length) this.#fail('an unterminated character class');
      const char = this.#peek();
      if (char === ']') {
        this.#at++;
        return out;
      }
      if (char === '&' && this.#peek(1) === '&') this.#fail('class intersection "&&"');
      if (char === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.#source.slice(this.#at));
        if (posix) {
          const members = POSIX_CLASSES[posix[2] as string];
          if (members === undefined || posix[1] === '^') this.#fail(`the POSIX class [:${posix[1]}${posix[2]}:]`);
          out += members;
          this.#at += posix[0].length;
          continue;
        }
        this.#at++;
        if (this.#peek() === '^') this.#fail('a negated class nested in a class');
        out += this.#classBody(ignoreCase);
        continue;
      }
      if (char === '\\') {
        const next = this.#peek(1);
        const shorthand: Record<string, string> = {s: SPACE_MEMBERS, d: '\\p{Nd}', w: WORD_MEMBERS, h: HEX_MEMBERS};
        if (next in shorthand) {
          out += shorthand[next];
          this.#at += 2;
          continue;
        }
        if ('SDWH'.includes(next) && next !== '') this.#fail(`the negated shorthand \\${next} inside a class`);
        if (next === 'p' || next === 'P') {
          this.#at += 2;
          const property = this.#property(next === 'P');
          if (property.startsWith('[^')) this.#fail('a negated property class inside a class');
          out += property.startsWith('[') ? property.slice(1, -1) : property;
          continue;
        }
      }
      const low = this.#classCharacter();
      if (this.#peek() === '-' && this.#peek(1) !== ']' && this.#peek(1) !== '') {
        this.#at++;
        if (this.#peek() === '[') this.#fail('a range ending in a class');
        const high = this.#classCharacter();
        if ((low.codePointAt(0) as number) > (high.codePointAt(0) as number)) this.#fail('a reversed class range');
        out += `${classEscape(low)}-${classEscape(high)}`;
        if (ignoreCase) out += caseRange(low, high);
        continue;
      }
      out += classEscape(low);
      if (ignoreCase) for (const variant of caseVariants(low)) out += classEscape(variant);
    }
  }

  #classCharacter(): string {
    if (this.#peek() === '\\') return this.#escapedCharacter();
    const codePoint = this.#source.codePointAt(this.#at) as number;
    const text = String.fromCodePoint(codePoint);
    this.#at += text.length;
    return text;
  }
}

function single(js: string): RegexNode {
  return {kind: 'atom', js, single: true, zeroWidth: false};
}

function assertion(js: string): RegexNode {
  return {kind: 'atom', js, single: false, zeroWidth: true};
}

/** A literal character; under case-insensitivity, a class of its case variants. */
function literal(text: string, ignoreCase: boolean): RegexNode {
  const variants = ignoreCase ? caseVariants(text) : [];
  if (variants.length === 0) return single(SYNTAX.has(text) || text === '-' ? `\\${text}` : escapeControl(text));
  return single(`[${[text, ...variants].map(classEscape).join('')}]`);
}

/** Other spellings of `text` under simple case folding (one code point each). */
function caseVariants(text: string): string[] {
  const out = new Set<string>();
  for (const variant of [text.toLowerCase(), text.toUpperCase()]) {
    if (variant !== text && [...variant].length === 1) out.add(variant);
  }
  return [...out];
}

/** Case variants of a range, for small ranges (ASCII letters, Latin-1 and the like). */
function caseRange(low: string, high: string): string {
  const from = low.codePointAt(0) as number;
  const to = high.codePointAt(0) as number;
  if (to - from > 1024) return '';
  let out = '';
  for (let code = from; code <= to; code++) for (const variant of caseVariants(String.fromCodePoint(code))) out += classEscape(variant);
  return out;
}

function classEscape(text: string): string {
  if (text === '\\' || text === ']' || text === '[' || text === '-' || text === '^') return `\\${text}`;
  return escapeControl(text);
}

/** Control and line characters written as escapes so the JavaScript source stays readable and one line. */
function escapeControl(text: string): string {
  const code = text.codePointAt(0) as number;
  if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) return `\\u${code.toString(16).padStart(4, '0')}`;
  return text;
}
