import {CodexError, ExitCode, type ProgressSink} from '@codex-ml/core';
import {CorpusLattices, PieceScores, UNKNOWN} from './word-lattices.js';
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
  /**
   * Lattice nodes (12 bytes each) kept between EM steps, for the words and again for the pieces; lattices past it
   * are found again at every step. Memory only: the result is the same.
   */
  readonly latticeNodeBudget?: number;
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
  latticeNodeBudget: 1 << 24,
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
    const lattices = new CorpusLattices(
      sorted.map(([word]) => word),
      this.options.latticeNodeBudget,
    );
    const counts = Float64Array.from(sorted, ([, count]) => count);
    let pieceLattices: PieceLattices | undefined;
    progress?.finish('seed');
    const desired = Math.floor(target * 1.1);
    progress?.start('em', 0);
    let compacted = model.size;
    for (;;) {
      for (let i = 0; i < this.options.subIterations; i++) {
        model = this.maximizationStep(model, this.expectationStep(model, lattices, counts));
        if (model.size < compacted * 0.8) {
          lattices.compact(model);
          compacted = model.size;
        }
        progress?.advance('em', 1);
      }
      if (model.size <= desired) break;
      pieceLattices ??= new PieceLattices(model, this.options.latticeNodeBudget);
      model = this.prune(model, lattices, counts, pieceLattices, desired);
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
    let size = 0;
    for (const [word] of words) size += word.length + 1;
    const text = new Int32Array(size);
    const weights = new Float64Array(size);
    const ends = new Int32Array(words.length);
    // Where each symbol lies in its word (word index, UTF-16 offset), so that a candidate is a slice of its word.
    const wordOf = new Int32Array(size);
    const unitOf = new Int32Array(size);
    let at = 0;
    words.forEach(([word, count], w) => {
      let unit = 0;
      for (const char of word) {
        text[at] = symbols.get(char) as number;
        weights[at] = count;
        wordOf[at] = w;
        unitOf[at++] = unit;
        unit += char.length;
      }
      ends[w] = at;
      wordOf[at] = w;
      unitOf[at] = unit;
      text[at++] = boundary + w;
    });
    const sa = suffixArray(text.subarray(0, at), boundary + words.length);
    const lcp = lcpArray(text.subarray(0, at), sa);
    // Occurrences of an lcp-interval [from, to) are the summed weights of its suffixes: prefix sums in sa order.
    const weightBefore = new Float64Array(sa.length + 1);
    for (let i = 0; i < sa.length; i++) weightBefore[i + 1] = (weightBefore[i] as number) + (weights[sa[i] as number] as number);
    const validity = new PieceValidity(this.options.wordStart, this.options.maxPieceLength, kept, characters);
    const candidates = new Map<string, number>();
    const consider = (offset: number, length: number, occurrences: number) => {
      if (!validity.accepts(text, offset, length)) return;
      const word = (words[wordOf[offset] as number] as readonly [string, number])[0];
      const piece = word.slice(unitOf[offset] as number, unitOf[offset + length] as number);
      if (!candidates.has(piece)) candidates.set(piece, occurrences * length);
    };
    const maxLength = this.options.maxPieceLength;
    forEachRepeat(sa, lcp, (offset, length, from, to) => {
      if (length > 1 && length <= maxLength) consider(offset, length, (weightBefore[to] as number) - (weightBefore[from] as number));
    });
    // A frequent word's endings occur once here but many times in the corpus, each followed by another word:
    // they are repeats there, with the word's count as occurrences.
    words.forEach(([, count], w) => {
      if (count < 2) return;
      const end = ends[w] as number;
      const start = w === 0 ? 0 : (ends[w - 1] as number) + 1;
      for (let i = Math.max(start, end - maxLength); i + 1 < end; i++) consider(i, end - i, count);
    });
    const sorted = [...candidates].sort(byScoreThenText);
    const pieces: [string, number][] = required.map(([char, count]) => [char, count]);
    for (const candidate of sorted) {
      if (pieces.length >= this.options.seedSize) break;
      pieces.push(candidate);
    }
    return toLogProbabilities(pieces);
  }

  /** Expected count of every piece over all words (forward-backward per word, weighted by its count). */
  expectationStep(model: PieceScores, lattices: CorpusLattices, counts: Float64Array): Float64Array {
    const expected = new Float64Array(model.pieces.length);
    const probabilities = new Float64Array(model.pieces.length);
    for (let id = 0; id < probabilities.length; id++) if (model.alive[id] === 1) probabilities[id] = Math.exp(model.scores[id] as number);
    lattices.forEach(model, (chunk, local, index) => {
      chunk.expect(local, model, probabilities, counts[index] as number, expected);
    });
    return expected;
  }

  /** SentencePiece's M-step: drop pieces expected fewer than 0.5 times, score digamma(count) − digamma(total). */
  maximizationStep(model: PieceScores, expected: Float64Array): PieceScores {
    const size = model.pieces.length;
    const alive = new Uint8Array(size);
    let sum = 0;
    for (let id = 0; id < size; id++) {
      const count = expected[id] as number;
      if (model.alive[id] === 0 || count < EXPECTED_FREQUENCY_THRESHOLD) continue;
      alive[id] = 1;
      sum += count;
    }
    const logSum = digamma(sum);
    const scores = new Float64Array(size);
    for (let id = 0; id < size; id++) if (alive[id] === 1) scores[id] = digamma(expected[id] as number) - logSum;
    return new PieceScores(model.pieces, scores, alive);
  }

  /**
   * Keeps the pieces whose removal would cost the most likelihood: a piece's loss is its share of Viterbi
   * tokens × (its log-probability − that of the best segmentation without it). Pieces the Viterbi never uses, or
   * whose own best segmentation is not themselves, go first; pieces with no alternative always stay.
   */
  prune(model: PieceScores, lattices: CorpusLattices, counts: Float64Array, pieceLattices: PieceLattices, desired: number): PieceScores {
    const size = model.pieces.length;
    const alwaysKeep = new Uint8Array(size);
    const alternatives: (number[] | undefined)[] = new Array(size);
    const ids: number[] = [];
    pieceLattices.forEach(model, (id, score, without) => {
      if (without.length === 0 || score === Number.NEGATIVE_INFINITY) {
        alwaysKeep[id] = 1;
        return;
      }
      if (score > (model.scores[id] as number)) return;
      alwaysKeep[id] = 1;
      alternatives[id] = [...without];
    });
    const frequency = new Float64Array(size);
    let total = 0;
    lattices.forEach(model, (chunk, local, index) => {
      const count = counts[index] as number;
      chunk.viterbi(local, model, ids);
      for (const id of ids) if (id !== UNKNOWN) frequency[id] = (frequency[id] as number) + count;
      total += count;
    });
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
    const prunedSize = Math.max(desired, Math.floor(this.options.shrinkingFactor * model.size));
    candidates.sort((a, b) => b[1] - a[1] || compareText(model.pieces[a[0]] as string, model.pieces[b[0]] as string));
    for (const [id] of candidates) {
      if (keep.length >= prunedSize) break;
      keep.push(id);
    }
    const alive = new Uint8Array(size);
    for (const id of keep) alive[id] = 1;
    return new PieceScores(model.pieces, model.scores, alive);
  }

  /** Required characters (missing ones just below the lowest score), then the best-scored pieces up to the target. */
  finalize(model: PieceScores, required: readonly [string, number][], target: number): UnigramTrainingResult {
    const scores = new Map<string, number>();
    let minimum = Number.POSITIVE_INFINITY;
    model.pieces.forEach((piece, id) => {
      if (model.alive[id] === 0) return;
      scores.set(piece, model.scores[id] as number);
      minimum = Math.min(minimum, model.scores[id] as number);
    });
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

/**
 * The lattices of the pieces alive at the first pruning, each for its best segmentation without itself. Only
 * those: pieces never come back, and most seed pieces are gone by then.
 */
class PieceLattices {
  readonly #ids: Int32Array;
  readonly #lattices: CorpusLattices;

  constructor(model: PieceScores, nodeBudget: number) {
    const ids: number[] = [];
    model.pieces.forEach((_, id) => {
      if (model.alive[id] === 1) ids.push(id);
    });
    this.#ids = Int32Array.from(ids);
    this.#lattices = new CorpusLattices(
      ids.map((id) => model.pieces[id] as string),
      nodeBudget,
    );
  }

  /** Calls `visit(id, score, ids)` with the best segmentation of each live piece without itself, by id. */
  forEach(model: PieceScores, visit: (id: number, score: number, ids: readonly number[]) => void): void {
    const without: number[] = [];
    this.#lattices.forEach(model, (chunk, local, index) => {
      const id = this.#ids[index] as number;
      if (model.alive[id] === 0) return;
      visit(id, chunk.viterbi(local, model, without, id), without);
    });
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
    new Uint8Array(pieces.length).fill(1),
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

/** Symbol classes of `PieceValidity` besides script numbers (≥ 0). */
const ANY = -1;
const INHERITED = -2;
const REJECTED = -3;
const MARKER = -4;

/**
 * SentencePiece's `IsValidSentencePiece` with its defaults (split by script, by number, marker as prefix), over
 * the seed's symbol codes: each symbol's class is found once, not once per candidate substring.
 */
class PieceValidity {
  readonly #maxLength: number;
  readonly #classes: Int32Array;

  constructor(marker: string, maxLength: number, kept: ReadonlySet<string>, characters: readonly string[]) {
    this.#maxLength = maxLength;
    const scripts = new Map<string, number>();
    this.#classes = Int32Array.from(characters, (char) => {
      if (!kept.has(char) || char === ' ') return REJECTED;
      if (char === marker) return MARKER;
      let script = unicodeScript(char.codePointAt(0) as number);
      if (script === 'Hiragana' || script === 'Katakana' || char === '\u30fc') script = 'Han';
      else if (script === 'Inherited') return INHERITED;
      let id = scripts.get(script);
      if (id === undefined) {
        id = scripts.size;
        scripts.set(script, id);
      }
      return id;
    });
  }

  /** Whether symbols `text[offset, offset + length)` (no boundary symbols) make a valid piece. */
  accepts(text: Int32Array, offset: number, length: number): boolean {
    if (length > this.#maxLength) return false;
    let previous = ANY;
    for (let position = 0; position < length; position++) {
      const code = text[offset + position] as number;
      if (code >= this.#classes.length) return false;
      const kind = this.#classes[code] as number;
      if (kind === REJECTED) return false;
      if (kind === MARKER) {
        if (position > 0) return false;
        continue;
      }
      const script = kind === INHERITED ? previous : kind;
      if (script !== ANY && previous !== ANY && previous !== script) return false;
      previous = script;
    }
    return true;
  }
}
