import {CodexError, ExitCode, type ProgressSink} from '@codex-ml/core';
import {type PairMerge, PairMergeQueue} from './pair-merge-queue.js';
import {WordPieceModel} from './wordpiece-model.js';

/** Special tokens of a WordPiece tokenizer when none are configured, in id order. */
export const WORDPIECE_SPECIAL_TOKENS: readonly string[] = ['[PAD]', '[BOS]', '[EOS]', '[UNK]'];

export interface WordPieceTrainerOptions {
  /** Target vocabulary size, special tokens and alphabet included. */
  readonly vocabSize: number;
  /** A pair must occur at least this often to be merged. Default 0 (Hugging Face's default). */
  readonly minFrequency?: number;
  /** In id order: the first gets id 0. Default `[PAD] [BOS] [EOS] [UNK]`. */
  readonly specialTokens?: readonly string[];
  /** Keep at most this many characters, most frequent first (ties: lower code point). Undefined = all. */
  readonly limitAlphabet?: number;
  /** Characters kept in the alphabet even when absent from the corpus (they count against `limitAlphabet` last). */
  readonly initialAlphabet?: readonly string[];
  /** Default `##`. */
  readonly continuingSubwordPrefix?: string;
  /** No token longer than this many characters is formed. Undefined = no limit. */
  readonly maxTokenLength?: number;
  /** Written into the model; must be one of the special tokens for unknown words to encode. Default `[UNK]`. */
  readonly unkToken?: string;
  readonly maxInputCharsPerWord?: number;
}

/** One word of the corpus as symbol ids, with the character length of each symbol. */
interface SymbolWord {
  readonly ids: number[];
  readonly lengths: number[];
}

/**
 * Trains a WordPiece vocabulary the way Hugging Face's `WordPieceTrainer` does: BPE over the corpus words, every
 * non-initial character written with the continuation prefix, merges of `a` + `##b` giving `ab`; the vocabulary
 * is kept and the merges dropped.
 *
 * Ids, and so the file, depend only on the multiset of words: special tokens first (in the given order), then
 * the alphabet by code point, then the continuation pieces (`##c`) by code point, then merged tokens in merge
 * order. Merges take the most frequent pair, ties going to the smallest (left id, right id). Hugging Face numbers
 * `##c` pieces in hash-map order instead, so its ids for the same corpus vary from run to run.
 */
export class WordPieceTrainer {
  readonly options: Required<Omit<WordPieceTrainerOptions, 'limitAlphabet' | 'maxTokenLength'>> &
    Pick<WordPieceTrainerOptions, 'limitAlphabet' | 'maxTokenLength'>;

  constructor(options: WordPieceTrainerOptions) {
    this.options = {
      minFrequency: 0,
      specialTokens: WORDPIECE_SPECIAL_TOKENS,
      initialAlphabet: [],
      continuingSubwordPrefix: '##',
      unkToken: '[UNK]',
      maxInputCharsPerWord: 100,
      ...options,
    };
    for (const character of this.options.initialAlphabet) {
      if ([...character].length !== 1) {
        throw new CodexError('E_CONFIG', `initial alphabet entry ${JSON.stringify(character)} is not one character`, {
          hint: 'list single characters in the initial alphabet',
          exitCode: ExitCode.config,
        });
      }
    }
  }

  /** Learns a vocabulary from word counts (word → occurrences). */
  train(wordCounts: ReadonlyMap<string, number>, progress?: ProgressSink): WordPieceModel {
    const {vocabSize, continuingSubwordPrefix: prefix} = this.options;
    // Sorted so that ids and tie-breaks never depend on the order the corpus was read in.
    const words = [...wordCounts.keys()].sort();
    const counts = words.map((word) => wordCounts.get(word) as number);
    const tokens: string[] = [];
    const ids = new Map<string, number>();
    const add = (token: string): number => {
      let id = ids.get(token);
      if (id === undefined) {
        id = tokens.length;
        tokens.push(token);
        ids.set(token, id);
      }
      return id;
    };
    for (const token of this.options.specialTokens) add(token);
    const specials = ids.size;

    const alphabet = this.#alphabet(words, counts);
    for (const codePoint of [...alphabet].sort((a, b) => a - b)) add(String.fromCodePoint(codePoint));
    const continuations = new Set<number>();
    for (const word of words) {
      let first = true;
      for (const character of word) {
        const codePoint = character.codePointAt(0) as number;
        if (!first && alphabet.has(codePoint)) continuations.add(codePoint);
        first = false;
      }
    }
    for (const codePoint of [...continuations].sort((a, b) => a - b)) add(prefix + String.fromCodePoint(codePoint));
    if (vocabSize < ids.size) {
      throw new CodexError(
        'E_TOKENIZER',
        `vocab size ${vocabSize} is smaller than the initial WordPiece vocabulary of ${ids.size} tokens ` +
          `(${specials} special, ${alphabet.size} characters, ${continuations.size} ${prefix}-continuations)`,
        {hint: `set tokenizer.vocabSize to at least ${ids.size}, or lower tokenizer.limitAlphabet`, exitCode: ExitCode.usage},
      );
    }

    const symbols: SymbolWord[] = words.map((word) => {
      const symbolIds: number[] = [];
      let first = true;
      for (const character of word) {
        const codePoint = character.codePointAt(0) as number;
        if (alphabet.has(codePoint)) symbolIds.push(ids.get(first ? character : prefix + character) as number);
        first = false;
      }
      return {ids: symbolIds, lengths: symbolIds.map(() => 1)};
    });

    this.#merge(symbols, counts, tokens, add, progress);
    return new WordPieceModel(new Map(tokens.map((token, id) => [token, id])), {
      unkToken: this.options.unkToken,
      continuingSubwordPrefix: prefix,
      maxInputCharsPerWord: this.options.maxInputCharsPerWord,
    });
  }

  /** Code points kept: all seen (plus the initial alphabet), or the `limitAlphabet` most frequent. */
  #alphabet(words: readonly string[], counts: readonly number[]): Set<number> {
    const frequency = new Map<number, number>();
    words.forEach((word, i) => {
      const count = counts[i] as number;
      for (const character of word) {
        const codePoint = character.codePointAt(0) as number;
        frequency.set(codePoint, (frequency.get(codePoint) ?? 0) + count);
      }
    });
    for (const character of this.options.initialAlphabet) frequency.set(character.codePointAt(0) as number, Number.POSITIVE_INFINITY);
    const limit = this.options.limitAlphabet;
    if (limit === undefined || frequency.size <= limit) return new Set(frequency.keys());
    // Most frequent first; equal counts keep the lower code point.
    const ranked = [...frequency].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return new Set(ranked.slice(0, Math.max(0, limit)).map(([codePoint]) => codePoint));
  }

  /** Hugging Face's BPE merge loop, lazy queue and all, so vocabularies come out as its trainer makes them. */
  #merge(
    words: SymbolWord[],
    counts: readonly number[],
    tokens: string[],
    add: (token: string) => number,
    progress: ProgressSink | undefined,
  ): void {
    const {vocabSize, minFrequency, continuingSubwordPrefix: prefix} = this.options;
    const maxLength = this.options.maxTokenLength ?? Number.POSITIVE_INFINITY;
    // Ids stay below the vocabulary size, so pairs pack into one integer key (a small integer up to ~32k tokens,
    // which keeps the maps fast).
    const base = vocabSize;
    const pairCounts = new Map<number, number>();
    let where = new Map<number, number[]>();
    const note = (key: number, word: number): void => {
      const list = where.get(key);
      if (list === undefined) where.set(key, [word]);
      else if (list[list.length - 1] !== word) list.push(word);
    };
    words.forEach((word, w) => {
      const count = counts[w] as number;
      for (let i = 0; i + 1 < word.ids.length; i++) {
        const key = (word.ids[i] as number) * base + (word.ids[i + 1] as number);
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
        note(key, w);
      }
    });
    const queue = new PairMergeQueue();
    const enqueue = (): void => {
      for (const [key, list] of where) {
        const count = pairCounts.get(key) ?? 0;
        if (count > 0) queue.push({key, count, words: list});
      }
      where = new Map();
    };
    enqueue();

    const target = vocabSize - tokens.length;
    progress?.start('merges', Math.max(0, target));
    let done = 0;
    const changes: number[] = [];
    while (tokens.length < vocabSize) {
      const top: PairMerge | undefined = queue.pop();
      if (top === undefined) break;
      const current = pairCounts.get(top.key) ?? 0;
      if (top.count !== current) {
        // Stale entry: requeue at its current count.
        top.count = current;
        queue.push(top);
        continue;
      }
      if (top.count < 1 || minFrequency > top.count) break;
      const left = Math.floor(top.key / base);
      const right = top.key - left * base;
      const rightToken = tokens[right] as string;
      const merged = add((tokens[left] as string) + (rightToken.startsWith(prefix) ? rightToken.slice(prefix.length) : rightToken));
      for (const w of top.words) {
        changes.length = 0;
        mergeWord(words[w] as SymbolWord, left, right, merged, base, maxLength, changes);
        const count = counts[w] as number;
        for (let c = 0; c < changes.length; c += 2) {
          const key = changes[c] as number;
          const change = changes[c + 1] as number;
          pairCounts.set(key, (pairCounts.get(key) ?? 0) + change * count);
          if (change > 0) note(key, w);
        }
      }
      enqueue();
      done++;
      if ((done & 255) === 0) progress?.advance('merges', 256);
    }
    progress?.advance('merges', done & 255);
    progress?.finish('merges');
  }
}

/**
 * Replaces each `left right` pair of a word by `merged`, left to right, appending `[pairKey, ±1]` for every
 * neighbouring pair lost or formed (Hugging Face's `Word::merge`).
 */
function mergeWord(
  word: SymbolWord,
  left: number,
  right: number,
  merged: number,
  base: number,
  maxLength: number,
  changes: number[],
): void {
  const {ids, lengths} = word;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== left || i + 1 >= ids.length || ids[i + 1] !== right) continue;
    const length = (lengths[i] as number) + (lengths[i + 1] as number);
    if (i > 0) {
      const before = ids[i - 1] as number;
      changes.push(before * base + left, -1);
      if ((lengths[i - 1] as number) + length < maxLength) changes.push(before * base + merged, 1);
    }
    ids.splice(i, 2, merged);
    lengths.splice(i, 2, length);
    if (i < ids.length - 1) {
      const after = ids[i + 1] as number;
      changes.push(right * base + after, -1);
      if ((lengths[i + 1] as number) + length < maxLength) changes.push(merged * base + after, 1);
    }
  }
}
