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
  /**
   * Keep at most this many characters, most frequent first; `initialAlphabet` counts as most frequent, so it is
   * always kept (a limit below its size keeps just it).
   */
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

    // Words as symbol id sequences in one flat array; characters outside the kept alphabet are dropped, as in
    // Hugging Face. A merge shortens a word in place.
    const flat: number[] = [];
    const startsList: number[] = [];
    const countsList: number[] = [];
    for (const [word, count] of words) {
      const from = flat.length;
      for (const char of word) {
        const id = vocab.get(char);
        if (id !== undefined && id >= specialTokens.length) flat.push(id);
      }
      if (flat.length === from) continue;
      startsList.push(from);
      countsList.push(count);
    }
    const symbols = Int32Array.from(flat);
    const starts = Int32Array.from(startsList);
    const counts = Float64Array.from(countsList);
    const lengths = new Int32Array(starts.length);
    for (let w = 0; w < starts.length; w++)
      lengths[w] = (w + 1 < starts.length ? (starts[w + 1] as number) : symbols.length) - (starts[w] as number);

    const pairs = new PairCounts(Math.max(1024, symbols.length));
    for (let w = 0; w < starts.length; w++) {
      const from = starts[w] as number;
      const to = from + (lengths[w] as number);
      const count = counts[w] as number;
      for (let i = from; i + 1 < to; i++) {
        const handle = pairs.handle(symbols[i] as number, symbols[i + 1] as number);
        pairs.add(handle, count);
        pairs.addWord(handle, w);
      }
    }
    const queue = new MergeQueue();
    for (let handle = 0; handle < pairs.size; handle++) {
      const count = pairs.count(handle);
      if (count > 0) queue.push(count, pairs.left(handle), pairs.right(handle));
    }

    const merges: [number, number][] = [];
    progress?.start('merges', Math.max(0, vocabSize - tokens.length));
    const top = new Float64Array(3);
    const seen = new Int32Array(starts.length).fill(-1);
    // Handles whose count rose during one merge; they get a fresh queue entry afterwards.
    let risen = new Int32Array(1024);
    let risenCount = 0;
    let risenStamp = new Int32Array(1024).fill(-1);
    const rise = (handle: number, stamp: number) => {
      if (handle >= risenStamp.length) {
        const next = new Int32Array(Math.max(handle + 1, risenStamp.length * 2)).fill(-1);
        next.set(risenStamp);
        risenStamp = next;
      }
      if (risenStamp[handle] === stamp) return;
      risenStamp[handle] = stamp;
      if (risenCount === risen.length) {
        const next = new Int32Array(risen.length * 2);
        next.set(risen);
        risen = next;
      }
      risen[risenCount++] = handle;
    };
    while (tokens.length < vocabSize && queue.pop(top)) {
      const queued = top[0] as number;
      const a = top[1] as number;
      const b = top[2] as number;
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
      risenCount = 0;
      for (let node = pairs.firstNode(handle); node >= 0; node = pairs.nodeNext(node)) {
        const w = pairs.nodeWord(node);
        if (seen[w] === stamp) continue;
        seen[w] = stamp;
        const from = starts[w] as number;
        const to = from + (lengths[w] as number);
        const count = counts[w] as number;
        let out = from;
        for (let i = from; i < to; ) {
          if (i + 1 < to && symbols[i] === a && symbols[i + 1] === b) {
            pairs.add(handle, -count);
            if (out > from) {
              const previous = symbols[out - 1] as number;
              pairs.add(pairs.handle(previous, a), -count);
              const up = pairs.handle(previous, merged);
              pairs.add(up, count);
              pairs.addWord(up, w);
              rise(up, stamp);
            }
            if (i + 2 < to) {
              const next = symbols[i + 2] as number;
              pairs.add(pairs.handle(b, next), -count);
              const up = pairs.handle(merged, next);
              pairs.add(up, count);
              pairs.addWord(up, w);
              rise(up, stamp);
            }
            symbols[out++] = merged;
            i += 2;
          } else {
            symbols[out++] = symbols[i++] as number;
          }
        }
        lengths[w] = out - from;
      }
      for (let i = 0; i < risenCount; i++) {
        const up = risen[i] as number;
        const count = pairs.count(up);
        if (count > 0) queue.push(count, pairs.left(up), pairs.right(up));
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
