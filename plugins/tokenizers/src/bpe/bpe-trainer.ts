import {CodexError, ExitCode, type ProgressSink} from '@codex-ml/core';
import {MergeQueue} from './merge-queue.js';
import {PairCounts} from './pair-counts.js';

export interface BpeTrainerOptions {
  /** Final vocabulary size, special tokens and alphabet included. */
  readonly vocabSize: number;
  /** Pairs seen fewer times than this are never merged. */
  readonly minFrequency: number;
  /** Given ids 0, 1, 2, … in this order. */
  readonly specialTokens: readonly string[];
  /** Keep at most this many characters of the corpus alphabet (most frequent first); `initialAlphabet` is always kept. */
  readonly limitAlphabet?: number | undefined;
  /** Characters in the vocabulary whether or not the corpus has them (byte-level: all 256 byte characters). */
  readonly initialAlphabet?: readonly string[];
}

/** What training produces: the vocabulary (token → id) and merges as id pairs in rank order. */
export interface BpeTrainingResult {
  readonly vocab: Map<string, number>;
  readonly merges: [number, number][];
}

/**
 * Learns BPE merges from word counts — Hugging Face's algorithm: pair counts weighted by word frequency, a
 * priority queue of candidate merges checked lazily, and incremental count updates touching only the words
 * that contain the merged pair.
 *
 * Determinism: ids are special tokens, then the alphabet in code point order, then merges in order; the queue
 * breaks count ties by the smaller pair of ids. Nothing depends on the order in which words were counted.
 */
export class BpeTrainer {
  readonly options: BpeTrainerOptions;

  constructor(options: BpeTrainerOptions) {
    if (!Number.isInteger(options.vocabSize) || options.vocabSize < 1) {
      throw new CodexError('E_TOKENIZER', `vocab size ${options.vocabSize} must be a positive integer`, {
        hint: 'set tokenizer.vocabSize to e.g. 30000',
        exitCode: ExitCode.config,
      });
    }
    if (!Number.isFinite(options.minFrequency) || options.minFrequency < 0) {
      throw new CodexError('E_TOKENIZER', `min frequency ${options.minFrequency} must be a non-negative number`, {
        hint: 'set tokenizer.minFrequency to 0 or more',
        exitCode: ExitCode.config,
      });
    }
    this.options = options;
  }

  /** Trains on `words` (word in the model alphabet → occurrences). */
  train(words: ReadonlyMap<string, number>, progress?: ProgressSink): BpeTrainingResult {
    const {vocabSize, minFrequency, specialTokens} = this.options;
    const vocab = new Map<string, number>();
    const tokens: string[] = [];
    const addToken = (token: string): number => {
      const known = vocab.get(token);
      if (known !== undefined) return known;
      vocab.set(token, tokens.length);
      tokens.push(token);
      return tokens.length - 1;
    };
    for (const special of specialTokens) {
      if (vocab.has(special)) {
        throw new CodexError('E_TOKENIZER', `special token "${special}" is listed twice`, {
          hint: 'list each special token once',
          exitCode: ExitCode.config,
        });
      }
      addToken(special);
    }
    const alphabet = this.#alphabet(words);
    if (vocabSize < specialTokens.length + alphabet.length) {
      throw new CodexError(
        'E_TOKENIZER',
        `vocab size ${vocabSize} is smaller than the alphabet (${alphabet.length}) plus special tokens (${specialTokens.length})`,
        {hint: `use a vocab size of at least ${specialTokens.length + alphabet.length}`, exitCode: ExitCode.config},
      );
    }
    for (const char of alphabet) addToken(char);

    // Words as symbol id sequences; characters outside the kept alphabet are dropped, as in Hugging Face.
    const symbols: Int32Array[] = [];
    const counts: number[] = [];
    let pairEstimate = 0;
    for (const [word, count] of words) {
      const ids: number[] = [];
      for (const char of word) {
        const id = vocab.get(char);
        if (id !== undefined && id >= specialTokens.length) ids.push(id);
      }
      if (ids.length === 0) continue;
      symbols.push(Int32Array.from(ids));
      counts.push(count);
      pairEstimate += ids.length;
    }

    const pairs = new PairCounts(Math.max(1024, pairEstimate));
    for (let w = 0; w < symbols.length; w++) {
      const word = symbols[w] as Int32Array;
      const count = counts[w] as number;
      for (let i = 0; i + 1 < word.length; i++) {
        const handle = pairs.handle(word[i] as number, word[i + 1] as number);
        if (pairs.add(handle, count) === count) pairs.words(handle).push(w);
        else {
          const list = pairs.words(handle);
          if (list[list.length - 1] !== w) list.push(w);
        }
      }
    }
    const queue = new MergeQueue();
    for (let handle = 0; handle < pairs.size; handle++) {
      const count = pairs.count(handle);
      if (count > 0) queue.push(count, pairs.left(handle), pairs.right(handle));
    }

    const merges: [number, number][] = [];
    const target = vocabSize - tokens.length;
    progress?.start('merges', Math.max(0, target));
    const top = new Float64Array(3);
    const seen = new Int32Array(symbols.length).fill(-1);
    const deltas = new Map<number, number>();
    const grown = new Map<number, number[]>();
    while (tokens.length < vocabSize && queue.pop(top)) {
      const [queued, a, b] = [top[0] as number, top[1] as number, top[2] as number];
      const handle = pairs.find(a, b);
      const current = pairs.count(handle);
      if (current !== queued) {
        if (current > 0) queue.push(current, a, b);
        continue;
      }
      if (current < 1 || current < minFrequency) break;
      const before = tokens.length;
      const merged = addToken((tokens[a] as string) + (tokens[b] as string));
      merges.push([a, b]);
      const stamp = merges.length;
      deltas.clear();
      grown.clear();
      const change = (x: number, y: number, delta: number, word: number) => {
        const h = pairs.handle(x, y);
        deltas.set(h, (deltas.get(h) ?? 0) + delta);
        if (delta > 0) {
          const list = grown.get(h);
          if (list === undefined) grown.set(h, [word]);
          else if (list[list.length - 1] !== word) list.push(word);
        }
      };
      for (const w of pairs.words(handle)) {
        if (seen[w] === stamp) continue;
        seen[w] = stamp;
        const word = symbols[w] as Int32Array;
        const count = counts[w] as number;
        let out = 0;
        let changed = false;
        for (let i = 0; i < word.length; ) {
          if (i + 1 < word.length && word[i] === a && word[i + 1] === b) {
            changed = true;
            change(a, b, -count, w);
            if (out > 0) {
              const previous = word[out - 1] as number;
              change(previous, a, -count, w);
              change(previous, merged, count, w);
            }
            if (i + 2 < word.length) {
              const next = word[i + 2] as number;
              change(b, next, -count, w);
              change(merged, next, count, w);
            }
            word[out++] = merged;
            i += 2;
          } else {
            word[out++] = word[i++] as number;
          }
        }
        if (changed) symbols[w] = word.subarray(0, out);
      }
      for (const [h, delta] of deltas) pairs.add(h, delta);
      for (const [h, list] of grown) {
        const target = pairs.words(h);
        for (const w of list) target.push(w);
        const count = pairs.count(h);
        if (count > 0) queue.push(count, pairs.left(h), pairs.right(h));
      }
      if (tokens.length > before) progress?.advance('merges', 1);
    }
    progress?.finish('merges');
    return {vocab, merges};
  }

  /**
   * The initial alphabet plus the corpus characters, limited to the `limitAlphabet` most frequent (ties: lower
   * code point first), sorted by code point.
   */
  #alphabet(words: ReadonlyMap<string, number>): string[] {
    const frequency = new Map<string, number>();
    for (const [word, count] of words) {
      for (const char of word) frequency.set(char, (frequency.get(char) ?? 0) + count);
    }
    const initial = new Set(this.options.initialAlphabet ?? []);
    for (const char of initial) frequency.set(char, Number.POSITIVE_INFINITY);
    let kept = [...frequency.entries()];
    const limit = this.options.limitAlphabet;
    if (limit !== undefined && kept.length > limit) {
      kept.sort((x, y) => (y[1] !== x[1] ? (y[1] > x[1] ? 1 : -1) : compareCodePoints(x[0], y[0])));
      kept = kept.slice(0, Math.max(limit, initial.size));
    }
    return kept.map(([char]) => char).sort(compareCodePoints);
  }
}

function compareCodePoints(x: string, y: string): number {
  return (x.codePointAt(0) as number) - (y.codePointAt(0) as number);
}
