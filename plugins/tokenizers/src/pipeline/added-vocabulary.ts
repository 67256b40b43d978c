import {CodexError, ExitCode} from '@codex-ml/core';
import type {JsonObject} from './normalizer.js';

/** A token matched in raw input before normalization (tokenizer.json `added_tokens` entry). */
export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly singleWord: boolean;
  readonly lstrip: boolean;
  readonly rstrip: boolean;
  readonly normalized: boolean;
  readonly special: boolean;
}

/** A special token with Hugging Face's defaults for special tokens. */
export function specialToken(id: number, content: string): AddedToken {
  return {id, content, singleWord: false, lstrip: false, rstrip: false, normalized: false, special: true};
}

/** A run of the input: either plain text for the pipeline or one added token. */
export interface InputSegment {
  readonly start: number;
  readonly end: number;
  readonly token?: AddedToken;
}

/**
 * Added tokens: found in the raw input (longest match first, left to right) and emitted as they are, the text
 * around them going through the pipeline — Hugging Face's `AddedVocabulary`.
 */
export class AddedVocabulary {
  readonly tokens: readonly AddedToken[];
  readonly #byContent = new Map<string, AddedToken>();
  readonly #byId = new Map<number, AddedToken>();
  readonly #pattern: RegExp | undefined;

  /** `byContentOnly`: the contents are normalized spellings; several tokens may share one (the first id wins). */
  constructor(tokens: readonly AddedToken[], byContentOnly = false) {
    this.tokens = [...tokens].sort((a, b) => a.id - b.id);
    for (const token of this.tokens) {
      if (token.content.length === 0) {
        throw new CodexError('E_TOKENIZER', `added token ${token.id} has empty content`, {
          hint: 'give every added token a non-empty content',
          exitCode: ExitCode.input,
        });
      }
      const clash = this.#byId.get(token.id);
      if (clash && clash.content !== token.content) {
        throw new CodexError('E_TOKENIZER', `added tokens "${clash.content}" and "${token.content}" share id ${token.id}`, {
          hint: 'give each added token its own id',
          exitCode: ExitCode.input,
        });
      }
      if (byContentOnly && this.#byContent.has(token.content)) continue;
      this.#byContent.set(token.content, token);
      this.#byId.set(token.id, token);
    }
    const contents = [...this.#byContent.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    this.#pattern = contents.length > 0 ? new RegExp(contents.map(escapeRegExp).join('|'), 'gu') : undefined;
  }

  get size(): number {
    return this.tokens.length;
  }

  byContent(content: string): AddedToken | undefined {
    return this.#byContent.get(content);
  }

  byId(id: number): AddedToken | undefined {
    return this.#byId.get(id);
  }

  /** Splits `text` into plain runs and added tokens, honouring `lstrip`/`rstrip` (they absorb adjacent spaces). */
  split(text: string): InputSegment[] {
    if (this.#pattern === undefined || text.length === 0) return text.length === 0 ? [] : [{start: 0, end: text.length}];
    const segments: InputSegment[] = [];
    const pattern = new RegExp(this.#pattern);
    let at = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const token = this.#byContent.get(match[0]) as AddedToken;
      let start = match.index;
      let end = start + match[0].length;
      if (token.singleWord && (isWordChar(text, start - 1) || isWordChar(text, end))) continue;
      if (token.lstrip) while (start > at && /\s/u.test(text[start - 1] as string)) start--;
      if (token.rstrip) while (end < text.length && /\s/u.test(text[end] as string)) end++;
      if (start > at) segments.push({start: at, end: start});
      segments.push({start, end, token});
      at = end;
      pattern.lastIndex = end;
    }
    if (at < text.length) segments.push({start: at, end: text.length});
    return segments;
  }

  toJSON(): JsonObject[] {
    return this.tokens.map((token) => ({
      id: token.id,
      content: token.content,
      single_word: token.singleWord,
      lstrip: token.lstrip,
      rstrip: token.rstrip,
      normalized: token.normalized,
      special: token.special,
    }));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function isWordChar(text: string, index: number): boolean {
  return index >= 0 && index < text.length && /[\p{L}\p{N}_]/u.test(text[index] as string);
}
