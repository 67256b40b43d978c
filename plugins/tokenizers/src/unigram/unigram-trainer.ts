import {CodexError, ExitCode, type ProgressSink} from '@codex-ml/core';
import {PieceScores, UNKNOWN} from './unigram-lattice.js';
import {forEachRepeat, lcpArray, suffixArray} from './suffix-array.js';
import {unicodeScript} from '../pipeline/unicode-script.js';

export interface UnigramTrainerOptions {
  /** Final vocabulary size, special tokens (and byte pieces) included. */
  readonly vocabSize: number;
  /** Given ids 0, 1, 2, … in this order, score 0. */
  readonly specialTokens: readonly string[];
  /** Characters covering this share of all character occurrences are kept; the rarest rest become unknown. */
  readonly characterCoverage?: number;
  /** Longest piece, in code points. */
  readonly maxPieceLength?: number;
  /** Seed pieces before EM: the most frequent substrings (by occurrences × length). */
  readonly seedSize?: number;
  /** Each pruning round keeps this share of the pieces. */
  readonly shrinkingFactor?: number;
  /** EM iterations between prunings. */
  readonly subIterations?: number;
  /** Add the 256 `<0xHH>` byte pieces so that no character is unknown. */
  readonly byteFallback?: boolean;
  /** The word-start marker the pre-tokenizer puts before each word (Metaspace). */
  readonly wordStart?: string;
}

/** The trained vocabulary: pieces in id order with their log-probability scores, and the unknown piece's id. */
export interface UnigramTrainingResult {
  readonly pieces: [string, number][];
  readonly unkId: number;
}

const DEFAULTS = {
  characterCoverage: 0.9995,
  maxPieceLength: 16,
  seedSize: 1_000_000,
  shrinkingFactor: 0.75,
  subIterations: 2,
  byteFallback: false,
  wordStart: '▁',
};
/** Pieces whose expected count falls below this are dropped in the M-step, as in SentencePiece. */
const EXPECTED_FREQUENCY_THRESHOLD = 0.5;

/**
 * SentencePiece's unigram trainer over word counts (`unigram_model_trainer.cc`), in named phases:
 * `requiredCharacters` (character coverage), `seedPieces` (frequent substrings from a suffix array), then rounds of
 * `expectationStep` + `maximizationStep` (EM with SentencePiece's digamma update) and `prune` (drop the pieces
 * whose removal costs the least likelihood, keeping `shrinkingFactor` of them) until the vocabulary is within
 * 10% of the target, and `finalize`.
 *
 * Determinism: words are processed in sorted order, every sort breaks score ties by piece text, so the result
 * depends only on the multiset of words. A piece never crosses a word, never mixes scripts or digits with
 * letters, and has the word-start marker only at its start.
 */
export class UnigramTrainer {
  readonly options: Required<UnigramTrainerOptions>;

  constructor(options: UnigramTrainerOptions) {
    this.options = {...DEFAULTS, ...options};
    const {vocabSize, specialTokens} = this.options;
    if (!Number.isInteger(vocabSize) || vocabSize < 1) {
      throw new CodexError('E_TOKENIZER', `vocab size ${vocabSize} must be a positive integer`, {
        hint: 'set tokenizer.vocabSize to e.g. 8000',
        exitCode: ExitCode.config,
      });
    }
    if (new Set(specialTokens).size !== specialTokens.length) {
      throw new CodexError('E_TOKENIZER', 'a special token is listed twice', {
        hint: 'list each special token once',
        exitCode: ExitCode.config,
      });
    }
  }

  /** Trains on `words` (word as the pre-tokenizer cut it, marker included → occurrences). */
  train(words: ReadonlyMap<string, number>, progress?: ProgressSink): UnigramTrainingResult {
    const sorted = [...words].filter(([word, count]) => word.length > 0 && count > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (sorted.length === 0) {
      throw new CodexError('E_TOKENIZER', 'the training corpus has no words', {
        hint: 'train on files that contain text',
        exitCode: ExitCode.input,
      });
    }
    const required = this.requiredCharacters(sorted);
    const reserved = this.options.specialTokens.length + (this.options.byteFallback ? 256 : 0);
    const target = this.options.vocabSize - reserved;
    if (target < required.length) {
      throw new CodexError(
        'E_TOKENIZER',
        `vocab size ${this.options.vocabSize} leaves no room for the ${required.length} required characters and ${reserved} special and byte pieces`,
        {hint: `use a vocab size of at least ${reserved + required.length + 1}`, exitCode: ExitCode.config},
      );
    }
    const kept = new Set(required.map(([char]) => char));
    progress?.start('seed', 0);
    let model = this.seedPieces(sorted, required, kept);
    progress?.finish('seed');
    const desired = Math.floor(target * 1.1);
    progress?.start('em', 0);
    for (;;) {
      for (let i = 0; i < this.options.subIterations; i++) {
        model = this.maximizationStep(model, this.expectationStep(model, sorted));
        progress?.advance('em', 1);
      }
      if (model.pieces.length <= desired) break;
      model = this.prune(model, sorted, desired);
    }
    progress?.finish('em');
    return this.finalize(model, required, target);
  }

  /** Characters by descending frequency, cut where they reach the coverage (SentencePiece's `required_chars_`). */
  requiredCharacters(words: readonly (readonly [string, number])[]): [string, number][] {
    const counts = new Map<string, number>();
    let total = 0;
    for (const [word, count] of words) {
      for (const char of word) {
        counts.set(char, (counts.get(char) ?? 0) + count);
        total += count;
      }
    }
    const chars = [...counts].sort(byScoreThenText);
    const out: [string, number][] = [];
    let covered = 0;
    for (const entry of chars) {
      if (out.length > 0 && covered / total >= this.options.characterCoverage) break;
      out.push(entry);
      covered += entry[1];
    }
    return out;
  }

  /**
   * Seed vocabulary: the required characters, then repeated substrings of the words scored by occurrences ×
   * length (occurrences weighted by word count), found as the internal nodes of the suffix tree.
   */
  seedPieces(words: readonly (readonly [string, number])[], required: readonly [string, number][], kept: ReadonlySet<string>): PieceScores {
    const symbols = new Map<string, number>();
    const characters: string[] = [];
    for (const [word] of words) {
      for (const char of word) {
        if (!symbols.has(char)) {
          symbols.set(char, characters.length);
          characters.push(char);
        }
      }
    }
    // Each word ends in its own boundary symbol, so a substring ending several words branches there, as it does
    // in running text where different words follow.
    const boundary = characters.length;
    const flat: number[] = [];
    const weights: number[] = [];
    words.forEach(([word, count], w) => {
      for (const char of word) {
        flat.push(symbols.get(char) as number);
        weights.push(count);
      }
      flat.push(boundary + w);
      weights.push(0);
    });
    const text = Int32Array.from(flat);
    const sa = suffixArray(text, boundary + words.length);
    const lcp = lcpArray(text, sa);
    const validity = new PieceValidity(this.options.wordStart, this.options.maxPieceLength, kept);
    const candidates = new Map<string, number>();
    const consider = (piece: string, occurrences: number) => {
      if (!candidates.has(piece) && validity.accepts(piece)) candidates.set(piece, occurrences * [...piece].length);
    };
    forEachRepeat(sa, lcp, (offset, length, from, to) => {
      if (length <= 1 || length > this.options.maxPieceLength * 2) return;
      let piece = '';
      for (let i = offset; i < offset + length; i++) {
        const code = text[i] as number;
        if (code >= boundary) return;
        piece += characters[code];
      }
      let occurrences = 0;
      for (let i = from; i < to; i++) occurrences += weights[sa[i] as number] as number;
      consider(piece, occurrences);
    });
    // A frequent word's endings occur once here but many times in the corpus, each followed by another word:
    // they are repeats there, with the word's count as occurrences.
    for (const [word, count] of words) {
      if (count < 2) continue;
      const chars = [...word];
      for (let i = Math.max(0, chars.length - this.options.maxPieceLength); i + 1 < chars.length; i++)
        consider(chars.slice(i).join(''), count);
    }
    const sorted = [...candidates].sort(byScoreThenText);
    const pieces: [string, number][] = required.map(([char, count]) => [char, count]);
    for (const candidate of sorted) {
      if (pieces.length >= this.options.seedSize) break;
      pieces.push(candidate);
    }
    return toLogProbabilities(pieces);
  }

  /** Expected count of every piece over all words (forward-backward per word, weighted by its count). */
  expectationStep(model: PieceScores, words: readonly (readonly [string, number])[]): Float64Array {
    const expected = new Float64Array(model.pieces.length);
    for (const [word, count] of words) model.expect(word, count, expected);
    return expected;
  }

  /** SentencePiece's M-step: drop pieces expected fewer than 0.5 times, score digamma(count) − digamma(total). */
  maximizationStep(model: PieceScores, expected: Float64Array): PieceScores {
    const pieces: string[] = [];
    const counts: number[] = [];
    let sum = 0;
    model.pieces.forEach((piece, id) => {
      const count = expected[id] as number;
      if (count < EXPECTED_FREQUENCY_THRESHOLD) return;
      pieces.push(piece);
      counts.push(count);
      sum += count;
    });
    const logSum = digamma(sum);
    return new PieceScores(
      pieces,
      Float64Array.from(counts, (count) => digamma(count) - logSum),
    );
  }

  /**
   * Keeps the pieces whose removal would cost the most likelihood: a piece's loss is its share of Viterbi
   * tokens × (its log-probability − that of the best segmentation without it). Pieces the Viterbi never uses, or
   * whose own best segmentation is not themselves, go first; pieces with no alternative always stay.
   */
  prune(model: PieceScores, words: readonly (readonly [string, number])[], desired: number): PieceScores {
    const size = model.pieces.length;
    const alwaysKeep = new Uint8Array(size);
    const alternatives: (number[] | undefined)[] = new Array(size);
    for (let id = 0; id < size; id++) {
      const piece = model.pieces[id] as string;
      const without = model.viterbi(piece, id);
      if (without.ids.length === 0 || without.score === Number.NEGATIVE_INFINITY) {
        alwaysKeep[id] = 1;
        continue;
      }
      if (without.score > (model.scores[id] as number)) continue;
      alwaysKeep[id] = 1;
      alternatives[id] = without.ids;
    }
    const frequency = new Float64Array(size);
    let total = 0;
    for (const [word, count] of words) {
      for (const id of model.viterbi(word).ids) if (id !== UNKNOWN) frequency[id] = (frequency[id] as number) + count;
      total += count;
    }
    let sum = 0;
    for (const f of frequency) sum += f;
    const logSum = Math.log(sum);
    const keep: number[] = [];
    const candidates: [number, number][] = [];
    for (let id = 0; id < size; id++) {
      const f = frequency[id] as number;
      if (f === 0 || alwaysKeep[id] === 0) continue;
      const alternative = alternatives[id];
      if (alternative === undefined) {
        keep.push(id);
        continue;
      }
      const share = f / total;
      const logProbability = Math.log(f) - logSum;
      const logSumAlternative = Math.log(sum + f * (alternative.length - 1));
      let logProbabilityAlternative = 0;
      for (const other of alternative) {
        const otherFrequency = other === UNKNOWN ? 0 : (frequency[other] as number);
        logProbabilityAlternative += Math.log(otherFrequency + f) - logSumAlternative;
      }
      candidates.push([id, share * (logProbability - logProbabilityAlternative)]);
    }
    const prunedSize = Math.max(desired, Math.floor(this.options.shrinkingFactor * size));
    candidates.sort((a, b) => b[1] - a[1] || compareText(model.pieces[a[0]] as string, model.pieces[b[0]] as string));
    for (const [id] of candidates) {
      if (keep.length >= prunedSize) break;
      keep.push(id);
    }
    keep.sort((a, b) => a - b);
    return new PieceScores(
      keep.map((id) => model.pieces[id] as string),
      Float64Array.from(keep, (id) => model.scores[id] as number),
    );
  }

  /** Required characters (missing ones just below the lowest score), then the best-scored pieces up to the target. */
  finalize(model: PieceScores, required: readonly [string, number][], target: number): UnigramTrainingResult {
    const scores = new Map<string, number>();
    model.pieces.forEach((piece, id) => {
      scores.set(piece, model.scores[id] as number);
    });
    let minimum = Number.POSITIVE_INFINITY;
    for (const score of model.scores) minimum = Math.min(minimum, score);
    if (minimum === Number.POSITIVE_INFINITY) minimum = 0;
    const final = new Map<string, number>();
    let penalty = 0;
    for (const [char] of required) {
      const score = scores.get(char);
      if (score !== undefined) final.set(char, score);
      else {
        final.set(char, minimum + penalty);
        penalty += 0.0001;
      }
    }
    for (const [piece, score] of [...scores].sort(byScoreThenText)) {
      if (final.size >= target) break;
      if (!final.has(piece)) final.set(piece, score);
    }
    const {specialTokens, byteFallback} = this.options;
    const pieces: [string, number][] = specialTokens.map((token) => [token, 0]);
    if (byteFallback) for (let byte = 0; byte < 256; byte++) pieces.push([`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, 0]);
    const taken = new Set(pieces.map(([piece]) => piece));
    for (const entry of [...final].sort(byScoreThenText)) if (!taken.has(entry[0])) pieces.push(entry);
    const unkId = pieces.findIndex(([piece]) => /^(<unk>|\[UNK\])$/i.test(piece));
    return {pieces, unkId: Math.max(0, unkId)};
  }
}

/** Higher score first; ties by text, so the order never depends on insertion order. */
function byScoreThenText(a: readonly [string, number], b: readonly [string, number]): number {
  return b[1] - a[1] || compareText(a[0], b[0]);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toLogProbabilities(pieces: readonly [string, number][]): PieceScores {
  let sum = 0;
  for (const [, score] of pieces) sum += score;
  const logSum = Math.log(sum);
  return new PieceScores(
    pieces.map(([piece]) => piece),
    Float64Array.from(pieces, ([, score]) => Math.log(score) - logSum),
  );
}

/** SentencePiece's digamma approximation. */
export function digamma(value: number): number {
  let x = value;
  let result = 0;
  for (; x < 7; x++) result -= 1 / x;
  x -= 0.5;
  const xx = 1 / x;
  const xx2 = xx * xx;
  const xx4 = xx2 * xx2;
  result += Math.log(x) + (1 / 24) * xx2 - (7 / 960) * xx4 + (31 / 8064) * xx4 * xx2 - (127 / 30720) * xx4 * xx4;
  return result;
}

/** SentencePiece's `IsValidSentencePiece` with its defaults (split by script, by number, marker as prefix). */
class PieceValidity {
  readonly #marker: string;
  readonly #maxLength: number;
  readonly #kept: ReadonlySet<string>;

  constructor(marker: string, maxLength: number, kept: ReadonlySet<string>) {
    this.#marker = marker;
    this.#maxLength = maxLength;
    this.#kept = kept;
  }

  accepts(piece: string): boolean {
    let previous = 'Any';
    let position = 0;
    for (const char of piece) {
      if (position >= this.#maxLength || !this.#kept.has(char) || char === ' ') return false;
      if (char === this.#marker) {
        if (position > 0) return false;
      } else {
        let script = this.#script(char);
        if (script === 'Hiragana' || script === 'Katakana' || char === '\u30fc') script = 'Han';
        else if (script === 'Inherited') script = previous;
        if (script !== 'Any' && previous !== 'Any' && previous !== script) return false;
        previous = script;
      }
      position++;
    }
    return true;
  }

  #script(char: string): string {
    return unicodeScript(char.codePointAt(0) as number);
  }
}
