import {CodexError, ExitCode} from '@codex-ml/core';
import {type RegexNode, parseOniguruma} from './oniguruma-parser.js';
import {checkBacktracking} from './backtracking-guard.js';

/**
 * An Oniguruma pattern (the regex dialect of Hugging Face tokenizers' `Split`, `Replace`, … stages) translated
 * once into an equivalent JavaScript `u`-mode pattern that every supported Node version compiles: inline
 * modifiers `(?i:…)` become case pairs, atomic groups and possessive quantifiers become the lookahead-capture
 * idiom, `\h`, `\A`, `\z`, `\x{…}`, script names and Oniguruma's Unicode `\s`, `\d`, `\w`, `\b` and `.` get their
 * Oniguruma meaning. A construct with no translation is refused naming it, and so is a pattern whose shape can
 * backtrack catastrophically (see `checkBacktracking`).
 */
export class OnigurumaPattern {
  readonly source: string;
  readonly javascript: string;
  readonly #regex: RegExp;

  constructor(source: string, where = 'pattern') {
    this.source = source;
    let tree: RegexNode;
    try {
      tree = parseOniguruma(source);
      checkBacktracking(tree);
      this.javascript = emit(tree);
      this.#regex = new RegExp(this.javascript, 'gu');
    } catch (error) {
      if (error instanceof CodexError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new CodexError('E_TOKENIZER', `${where}: regex ${JSON.stringify(truncate(source))}: ${message}`, {
        hint: 'use a pattern made of constructs Hugging Face tokenizers files use (classes, \\p{…}, groups, (?i:…), quantifiers, lookahead)',
        exitCode: ExitCode.input,
      });
    }
  }

  /** A fresh global matcher (a RegExp carries `lastIndex` state; never share one). */
  matcher(): RegExp {
    return new RegExp(this.#regex);
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** JavaScript source of a parsed pattern. */
function emit(node: RegexNode): string {
  switch (node.kind) {
    case 'alt':
      return node.alternatives.map(emit).join('|');
    case 'seq':
      return node.items.map(emit).join('');
    case 'atom':
      return node.js;
    case 'group': {
      const body = emit(node.body);
      switch (node.type) {
        case 'plain':
          return `(?:${body})`;
        case 'lookahead':
          return `(?=${body})`;
        case 'negative-lookahead':
          return `(?!${body})`;
        case 'lookbehind':
          return `(?<=${body})`;
        case 'negative-lookbehind':
          return `(?<!${body})`;
        case 'atomic':
          // (?=(X))\k — the lookahead's match cannot be backtracked into, which is what an atomic group means.
          return `(?=(${body}))\\${node.capture}`;
      }
      break;
    }
    case 'quant': {
      const body = emit(node.body);
      const wrapped = node.body.kind === 'atom' && node.body.single ? body : `(?:${body})`;
      const range =
        node.min === 0 && node.max === Number.POSITIVE_INFINITY
          ? '*'
          : node.min === 1 && node.max === Number.POSITIVE_INFINITY
            ? '+'
            : node.min === 0 && node.max === 1
              ? '?'
              : node.max === Number.POSITIVE_INFINITY
                ? `{${node.min},}`
                : node.min === node.max
                  ? `{${node.min}}`
                  : `{${node.min},${node.max}}`;
      if (node.possessive) return `(?=(${wrapped}${range}))\\${node.capture}`;
      return `${wrapped}${range}${node.lazy ? '?' : ''}`;
    }
  }
  return '';
}
