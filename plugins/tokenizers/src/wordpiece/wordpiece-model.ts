import {CodexError, ExitCode} from '@codex-ml/core';
import {type JsonObject, OrderedJsonObject} from '../pipeline/json-value.js';
import type {Model, ModelToken} from '../pipeline/model.js';
import {appendPackedIds, unpackTokens} from '../pipeline/packed-tokens.js';

/** Settings of a WordPiece model besides its vocabulary (tokenizer.json `model` fields). */
export interface WordPieceOptions {
  /** Stands for a whole word that cannot be spelled with the vocabulary. Default `[UNK]`. */
  readonly unkToken?: string;
  /** Marks a piece that continues a word. Default `##`. */
  readonly continuingSubwordPrefix?: string;
  /** Longer words (in code points) become the unknown token. Default 100. */
  readonly maxInputCharsPerWord?: number;
}

/** Entries kept in the word cache; when full, new words are encoded without being cached. */
const CACHE_CAPACITY = 100_000;
/** Words longer than this (code units) are not cached. */
const CACHE_WORD_LIMIT = 48;

/**
 * WordPiece (tokenizer.json model type `WordPiece`), Hugging Face's rule: a word is cut greedily into the
 * longest vocabulary piece from the left, continuation pieces written with the prefix (`un`, `##aff`, `##able`);
 * if some position matches nothing, or the word is longer than `maxInputCharsPerWord`, the whole word becomes
 * the unknown token. Encoded words are cached by their text.
 */
export class WordPieceModel implements Model {
  readonly type = 'WordPiece';
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  readonly vocabSize: number;
  readonly #vocab: Map<string, number>;
  readonly #tokens: (string | undefined)[];
  /** Longest vocabulary entry (code units, prefix included): no longer candidate can match. */
  readonly #longest: number;
  readonly #cache = new Map<string, Int32Array>();

  /** @param vocab token → id; ids need not be contiguous. */
  constructor(vocab: ReadonlyMap<string, number>, options: WordPieceOptions = {}) {
    this.unkToken = options.unkToken ?? '[UNK]';
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    this.#vocab = new Map(vocab);
    let size = 0;
    let longest = 0;
    for (const [token, id] of vocab) {
      size = Math.max(size, id + 1);
      longest = Math.max(longest, token.length);
    }
    this.vocabSize = size;
    this.#longest = longest;
    this.#tokens = new Array<string | undefined>(size);
    for (const [token, id] of vocab) this.#tokens[id] = token;
  }

  /** The vocabulary in id order. */
  vocabEntries(): [string, number][] {
    const entries: [string, number][] = [];
    this.#tokens.forEach((token, id) => {
      if (token !== undefined) entries.push([token, id]);
    });
    return entries;
  }

  tokenize(piece: string): ModelToken[] {
    return unpackTokens(this.#encodeWord(piece));
  }

  tokenizeIds(piece: string, out: number[]): void {
    appendPackedIds(this.#encodeWord(piece), out);
  }

  tokenToId(token: string): number | undefined {
    return this.#vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.#tokens[id] : undefined;
  }

  toJSON(): JsonObject {
    return {
      type: this.type,
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      max_input_chars_per_word: this.maxInputCharsPerWord,
      vocab: new OrderedJsonObject(this.vocabEntries()),
    };
  }

  /** `[id0, end0, id1, end1, …]`, ends in code units of the word. */
  #encodeWord(word: string): Int32Array {
    if (word.length === 0) return new Int32Array(0);
    const cached = this.#cache.get(word);
    if (cached !== undefined) return cached;
    const encoded = this.#split(word) ?? Int32Array.of(this.#unkId(), word.length);
    if (word.length <= CACHE_WORD_LIMIT && this.#cache.size < CACHE_CAPACITY) this.#cache.set(word, encoded);
    return encoded;
  }

  /** Greedy longest-match-first; undefined when the word must become the unknown token. */
  #split(word: string): Int32Array | undefined {
    if (word.length > this.maxInputCharsPerWord && codePointCount(word) > this.maxInputCharsPerWord) return undefined;
    const out: number[] = [];
    const prefix = this.continuingSubwordPrefix;
    for (let start = 0; start < word.length; ) {
      const room = start === 0 ? this.#longest : this.#longest - prefix.length;
      let end = Math.min(word.length, start + room);
      if (end < word.length && isLowSurrogate(word.charCodeAt(end)) && end > start + 1) end--;
      let id: number | undefined;
      while (end > start) {
        const candidate = start === 0 ? word.slice(0, end) : prefix + word.slice(start, end);
        id = this.#vocab.get(candidate);
        if (id !== undefined) break;
        end -= end - start >= 2 && isLowSurrogate(word.charCodeAt(end - 1)) && isHighSurrogate(word.charCodeAt(end - 2)) ? 2 : 1;
      }
      if (id === undefined) return undefined;
      out.push(id, end);
      start = end;
    }
    return Int32Array.from(out);
  }

  #unkId(): number {
    const id = this.#vocab.get(this.unkToken);
    if (id === undefined) {
      throw new CodexError('E_TOKENIZER', `WordPiece unknown token ${JSON.stringify(this.unkToken)} is missing from the vocabulary`, {
        hint: 'train with the unknown token among the special tokens, or set model.unk_token to a vocabulary token',
        exitCode: ExitCode.input,
      });
    }
    return id;
  }
}

function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (!(isLowSurrogate(text.charCodeAt(i)) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) count++;
  }
  return count;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
