import {CodexError, ExitCode} from '@codex-ml/core';
import {TOKENIZER_LIMITS} from './limits.js';

/**
 * Typed, path-aware access to a parsed tokenizer.json document. Every failure is one `E_TOKENIZER` line naming
 * the file, the key path and the offending value.
 */
export class JsonReader {
  readonly value: unknown;
  readonly path: string;
  readonly source: string;

  constructor(value: unknown, path: string, source: string) {
    this.value = value;
    this.path = path;
    this.source = source;
  }

  /** Parses JSON, refusing `__proto__` keys anywhere (they would let a file tamper with prototypes downstream). */
  static parse(text: string, source: string): JsonReader {
    let value: unknown;
    try {
      value = JSON.parse(text, (key, inner: unknown) => {
        if (key === '__proto__') throw new ProtoKeyError();
        return inner;
      });
    } catch (error) {
      if (error instanceof ProtoKeyError) {
        throw new CodexError('E_TOKENIZER', `${source}: forbidden key "__proto__"`, {
          hint: 'remove every "__proto__" key from the tokenizer file',
          exitCode: ExitCode.input,
        });
      }
      throw new CodexError('E_TOKENIZER', `${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
        hint: 'pass a tokenizer.json file written by codex or Hugging Face tokenizers',
        exitCode: ExitCode.input,
        cause: error,
      });
    }
    return new JsonReader(value, '$', source);
  }

  fail(expected: string, hint = 'fix or regenerate the tokenizer file'): never {
    throw new CodexError('E_TOKENIZER', `${this.source}: ${this.path}: expected ${expected}, got ${describe(this.value)}`, {
      hint,
      exitCode: ExitCode.input,
    });
  }

  isNull(): boolean {
    return this.value === null || this.value === undefined;
  }

  isObject(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  isArray(): boolean {
    return Array.isArray(this.value);
  }

  /** The named field (its reader; `undefined` inside when missing). Asserts this is an object. */
  field(key: string): JsonReader {
    const object = this.#object();
    const value = Object.hasOwn(object, key) ? object[key] : undefined;
    return new JsonReader(value, `${this.path}.${key}`, this.source);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.#object(), key);
  }

  keys(): string[] {
    return Object.keys(this.#object());
  }

  /** `[key, reader]` pairs in document order. */
  entries(): [string, JsonReader][] {
    const object = this.#object();
    return Object.keys(object).map((key) => [key, new JsonReader(object[key], `${this.path}[${JSON.stringify(key)}]`, this.source)]);
  }

  array(): JsonReader[] {
    if (!Array.isArray(this.value)) this.fail('an array');
    return (this.value as unknown[]).map((item, index) => new JsonReader(item, `${this.path}[${index}]`, this.source));
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail('a string');
    return this.value as string;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail('true or false');
    return this.value as boolean;
  }

  number(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value)) this.fail('a number');
    return this.value as number;
  }

  /** A token id: an integer below the documented vocabulary limit (checked before any table is sized by it). */
  id(): number {
    return this.index(TOKENIZER_LIMITS.vocabSize);
  }

  /**
   * The number of entries of this object or array, refused past `limit` before any entry is read: a hostile file
   * with millions of entries fails here, not after building tables for them.
   */
  size(limit: number, what: string): number {
    const value = this.value;
    let count = 0;
    if (Array.isArray(value)) count = value.length;
    else if (typeof value === 'object' && value !== null) {
      for (const key in value) {
        if (Object.hasOwn(value, key) && ++count > limit) break;
      }
    } else this.fail('an object or an array');
    if (count > limit) {
      throw new CodexError('E_TOKENIZER', `${this.source}: ${this.path}: more than ${limit} ${what}`, {
        hint: `tokenizer files are limited to ${limit} ${what} (see the limits in the tokenization docs)`,
        exitCode: ExitCode.input,
      });
    }
    return count;
  }

  /** A non-negative integer below `limit`. */
  index(limit = 2 ** 31): number {
    const value = this.value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= limit) this.fail(`an integer in [0, ${limit})`);
    return value as number;
  }

  optionalString(fallback: string | undefined): string | undefined {
    return this.isNull() ? fallback : this.string();
  }

  optionalBoolean(fallback: boolean): boolean {
    return this.value === undefined || this.value === null ? fallback : this.boolean();
  }

  #object(): Record<string, unknown> {
    if (!this.isObject()) this.fail('an object');
    return this.value as Record<string, unknown>;
  }
}

class ProtoKeyError extends Error {}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
