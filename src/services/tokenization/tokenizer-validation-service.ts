import {type Tokenizer, utf8} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {CorpusResolver} from './corpus-resolver.js';
import {type CorpusReadStats, readCorpusLines} from './corpus-text-reader.js';
import {FileChecksummer} from './file-checksummer.js';
import {TokenizerLoader} from './tokenizer-loader.js';

export interface ValidationRequest {
  /** tokenizer.json to check. */
  readonly tokenizer: string;
  /** Files, folders or data run ids; data runs give `split`. */
  readonly inputs: readonly string[];
  readonly split: string;
  readonly runsDir: string;
  /** Expected special tokens in id order; empty = the tokenizer's own, which must hold ids 0..k-1. */
  readonly specialTokens: readonly string[];
  readonly maxUnknownRate: number;
  /** Stop after this many lines (0 = all). */
  readonly maxLines: number;
  /** Checksumming progress: (bytes done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SpecialTokenCheck {
  readonly token: string;
  readonly role: string | null;
  readonly id: number | null;
  readonly expectedId: number;
  readonly ok: boolean;
}

export interface RoundTripFailure {
  readonly path: string;
  readonly line: number;
  readonly expected: string;
  readonly actual: string;
}

/** What `tokenizer:validate` returns (also under `--json`). */
export interface ValidationReport {
  /** The tokenizer file checked. */
  readonly tokenizer: string;
  readonly ok: boolean;
  /** One sentence per failed check. */
  readonly failures: readonly string[];
  readonly modelType: string;
  readonly vocabSize: number;
  readonly specialTokens: readonly SpecialTokenCheck[];
  readonly lines: number;
  readonly words: number;
  readonly tokens: number;
  readonly bytes: number;
  readonly unknownTokens: number;
  readonly unknownRate: number;
  readonly tokensPerWord: number;
  readonly bytesPerToken: number;
  readonly roundTrip: {
    /** `exact` for lossless models (no unknown token); `ignoring-whitespace` for models that drop spacing. */
    readonly mode: RoundTripMode;
    readonly checked: number;
    /** Lines with an unknown token cannot round-trip by definition; they are counted, not checked. */
    readonly skippedUnknown: number;
    readonly failed: number;
    readonly firstFailure: RoundTripFailure | null;
  };
}

export type RoundTripMode = 'exact' | 'ignoring-whitespace';

const WORD = /\S+/g;
const WHITESPACE = /\s+/g;

/**
 * Checks a tokenizer against held-out text: special tokens at their ids, `decode(encode(x)) === normalize(x)`
 * for every line without an unknown token (whitespace aside for models with an unknown token), the
 * unknown-token rate under a bound; reports compression (tokens per word, bytes per token). The text is read
 * only after its files were checksummed (and, for data runs, verified against their manifest).
 */
@injectable()
export class TokenizerValidationService {
  constructor(
    @inject(TokenizerLoader) private readonly loader: TokenizerLoader,
    @inject(CorpusResolver) private readonly resolver: CorpusResolver,
    @inject(FileChecksummer) private readonly checksummer: FileChecksummer,
  ) {}

  async validate(request: ValidationRequest): Promise<ValidationReport> {
    const {tokenizer, source} = await this.loader.loadFile(request.tokenizer);
    const corpus = await this.resolver.resolve(request.inputs, {
      split: request.split,
      runsDir: request.runsDir,
      onProgress: request.onProgress,
    });
    const specialTokens = checkSpecialTokens(tokenizer, request.specialTokens);
    const unkToken = tokenizer.specialTokens.unk;
    const unkId = unkToken === undefined ? undefined : tokenizer.tokenToId(unkToken);
    // A model without an unknown token (byte-level BPE) is lossless: decode must give back the normalized text
    // exactly. A model with one (WordPiece) splits on whitespace and cannot restore spacing, so it must give
    // back the same characters, whitespace aside.
    const mode: RoundTripMode = unkId === undefined ? 'exact' : 'ignoring-whitespace';
    const comparable = mode === 'exact' ? (text: string) => text : (text: string) => text.replace(WHITESPACE, '');
    const stats: CorpusReadStats = {lines: 0, bytes: 0};
    let lines = 0;
    let words = 0;
    let tokens = 0;
    let bytes = 0;
    let unknownTokens = 0;
    let checked = 0;
    let skippedUnknown = 0;
    let failed = 0;
    let firstFailure: RoundTripFailure | null = null;
    for await (const line of readCorpusLines(corpus, {hasherFor: (algorithm) => this.checksummer.hasherFor(algorithm)}, stats)) {
      lines++;
      words += line.match(WORD)?.length ?? 0;
      bytes += utf8(line).length;
      const {ids} = tokenizer.encode(line, {addSpecialTokens: false});
      tokens += ids.length;
      const unknown = unkId === undefined ? 0 : ids.filter((id) => id === unkId).length;
      unknownTokens += unknown;
      if (unknown > 0) skippedUnknown++;
      else {
        checked++;
        const expected = tokenizer.normalize(line);
        const actual = tokenizer.decode(ids, {skipSpecialTokens: true});
        if (comparable(actual) !== comparable(expected)) {
          failed++;
          firstFailure ??= {path: stats.path ?? '', line: stats.lineNumber ?? 0, expected, actual};
        }
      }
      if (request.maxLines > 0 && lines >= request.maxLines) break;
    }
    const unknownRate = tokens === 0 ? 0 : unknownTokens / tokens;
    const failures: string[] = [];
    for (const check of specialTokens) {
      if (!check.ok) failures.push(`special token ${check.token} has id ${check.id ?? 'none'}, expected ${check.expectedId}`);
    }
    if (failed > 0 && firstFailure) {
      failures.push(`${failed} of ${checked} lines do not round-trip (first: ${firstFailure.path}:${firstFailure.line})`);
    }
    if (unknownRate > request.maxUnknownRate) {
      failures.push(
        `unknown-token rate ${formatRate(unknownRate)} exceeds tokenizer.validate.maxUnknownRate ${formatRate(request.maxUnknownRate)}`,
      );
    }
    return {
      tokenizer: source,
      ok: failures.length === 0,
      failures,
      modelType: tokenizer.modelType,
      vocabSize: tokenizer.vocabSize,
      specialTokens,
      lines,
      words,
      tokens,
      bytes,
      unknownTokens,
      unknownRate,
      tokensPerWord: words === 0 ? 0 : tokens / words,
      bytesPerToken: tokens === 0 ? 0 : bytes / tokens,
      roundTrip: {mode, checked, skippedUnknown, failed, firstFailure},
    };
  }
}

function checkSpecialTokens(tokenizer: Tokenizer, expected: readonly string[]): SpecialTokenCheck[] {
  const roles = new Map(Object.entries(tokenizer.specialTokens).map(([role, token]) => [token, role]));
  // Without an explicit list, the tokenizer's own special tokens, by id, must be the first ids (the trainers'
  // documented layout); one missing from the vocabulary sorts last and fails.
  const order =
    expected.length > 0
      ? [...expected]
      : [...roles.keys()].sort(
          (a, b) => (tokenizer.tokenToId(a) ?? Number.MAX_SAFE_INTEGER) - (tokenizer.tokenToId(b) ?? Number.MAX_SAFE_INTEGER),
        );
  return order.map((token, expectedId) => {
    const id = tokenizer.tokenToId(token) ?? null;
    const ok = id === expectedId && tokenizer.idToToken(id) === token;
    return {token, role: roles.get(token) ?? null, id, expectedId, ok};
  });
}

function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(2)}%`;
}
