import {
  CodexError,
  type DecodeOptions,
  type EncodeOptions,
  type Encoding,
  ExitCode,
  type PaddingOptions,
  type SpecialTokens,
  type Tokenizer,
  type TruncationOptions,
} from '@codex-ml/core';
import {serializeTokenizer} from '../serialization/tokenizer-json-writer.js';
import {type AddedToken, AddedVocabulary} from './added-vocabulary.js';
import {type Decoder, decodeTokens} from './decoder.js';
import {type EncodingParts, emptyParts, freezeParts, mergeParts, pushToken, withTypeId} from './encoding-parts.js';
import type {Model} from './model.js';
import {NormalizedText} from './normalized-text.js';
import type {Normalizer} from './normalizer.js';
import {padParts} from './padding.js';
import type {PostProcessor} from './post-processor.js';
import {spellPiece} from './byte-level-pre-tokenizer.js';
import {type ByteLevelSource, type PreToken, type PreTokenizer, pieceRange} from './pre-tokenizer.js';
import {rolesBySpelling} from './special-token-roles.js';
import {truncatePair, truncateParts} from './truncation.js';
import {wellFormed} from './well-formed.js';
import {gpt2Matcher} from './gpt2-pattern.js';
import {forEachGpt2Piece} from './gpt2-splitter.js';
import {appendPackedIds} from './packed-tokens.js';

const GPT2_MATCHER_SOURCE = gpt2Matcher().source;

/** The stages and settings a `PipelineTokenizer` is built from; every stage but the model is optional. */
export interface PipelineStages {
  readonly model: Model;
  readonly normalizer?: Normalizer | undefined;
  readonly preTokenizer?: PreTokenizer | undefined;
  readonly postProcessor?: PostProcessor | undefined;
  readonly decoder?: Decoder | undefined;
  readonly addedTokens?: readonly AddedToken[];
  /** Role → token content (`pad`, `bos`, `eos`, `unk`, …); inferred from the added tokens when omitted. */
  readonly specialTokens?: SpecialTokens;
  /** Defaults applied when `encode` gets no `padding` / `truncation` (tokenizer.json `padding`, `truncation`). */
  readonly padding?: PaddingOptions | undefined;
  readonly truncation?: TruncationOptions | undefined;
}

/**
 * The `Tokenizer` contract as a composition of stages: added tokens are split off the raw input, the rest is
 * normalized, pre-tokenized, and tokenized by the model; truncation, post-processing and padding follow, in
 * Hugging Face's order. Offsets always point into the caller's string.
 */
export class PipelineTokenizer implements Tokenizer {
  readonly model: Model;
  readonly normalizer: Normalizer | undefined;
  readonly preTokenizer: PreTokenizer | undefined;
  readonly postProcessor: PostProcessor | undefined;
  readonly decoder: Decoder | undefined;
  readonly addedVocabulary: AddedVocabulary;
  /** Added tokens matched in the raw input (`normalized: false`, every special token). */
  readonly #rawTokens: AddedVocabulary;
  /** Added tokens matched in normalized text (`normalized: true`), by their normalized content. */
  readonly #normalizedTokens: AddedVocabulary | undefined;
  readonly specialTokens: SpecialTokens;
  readonly padding: PaddingOptions | undefined;
  readonly truncation: TruncationOptions | undefined;
  readonly vocabSize: number;

  constructor(stages: PipelineStages) {
    this.model = stages.model;
    this.normalizer = stages.normalizer;
    this.preTokenizer = stages.preTokenizer;
    this.postProcessor = stages.postProcessor;
    this.decoder = stages.decoder;
    this.addedVocabulary = new AddedVocabulary(stages.addedTokens ?? []);
    const normalizedTokens = this.addedVocabulary.tokens.filter((token) => token.normalized && !token.special);
    if (normalizedTokens.length === 0 || this.normalizer === undefined) {
      this.#rawTokens = this.addedVocabulary;
      this.#normalizedTokens = undefined;
    } else {
      const normalizer = this.normalizer;
      this.#rawTokens = new AddedVocabulary(this.addedVocabulary.tokens.filter((token) => !token.normalized || token.special));
      this.#normalizedTokens = new AddedVocabulary(
        normalizedTokens.map((token) => ({...token, content: normalizer.normalize(NormalizedText.from(token.content)).text})),
        true,
      );
    }
    this.specialTokens = Object.freeze({
      ...(stages.specialTokens ??
        rolesBySpelling(this.addedVocabulary.tokens.filter((token) => token.special).map((token) => token.content))),
    });
    this.padding = stages.padding;
    this.truncation = stages.truncation;
    let size = this.model.vocabSize;
    for (const token of this.addedVocabulary.tokens) size = Math.max(size, token.id + 1);
    this.vocabSize = size;
  }

  get modelType(): string {
    return this.model.type;
  }

  normalize(text: string): string {
    const input = wellFormed(text);
    if (this.normalizer === undefined) return input;
    let out = '';
    for (const segment of this.#rawTokens.split(input)) {
      const slice = input.slice(segment.start, segment.end);
      out += segment.token ? slice : this.normalizer.normalize(NormalizedText.from(slice)).text;
    }
    return out;
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    return freezeParts(this.#encodeParts(text, options, undefined));
  }

  encodePair(first: string, second: string, options: EncodeOptions = {}): Encoding {
    const addSpecial = options.addSpecialTokens ?? true;
    let parts = [this.#tokenize(first), withTypeId(this.#tokenize(second), 1)] as [EncodingParts, EncodingParts];
    const truncation = options.truncation ?? this.truncation;
    if (truncation !== undefined) {
      const budget = this.#budget(truncation.maxLength, addSpecial && this.postProcessor ? this.postProcessor.addedPairTokens() : 0);
      const {stride = 0, side = 'right', strategy = 'longest_first'} = truncation;
      parts = truncatePair(parts[0], parts[1], budget, stride, side, strategy);
    }
    const merged = mergeParts(this.postProcessor ? this.postProcessor.processEncodings(parts, addSpecial) : parts);
    this.#padToFixed(merged, options);
    return freezeParts(merged);
  }

  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): Encoding[] {
    const padding = options.padding ?? this.padding;
    const all = texts.map((text) => this.#encodeParts(text, {...options, padding: undefined}, null));
    if (padding !== undefined) {
      const length = padding.length === 'longest' ? Math.max(0, ...all.map((parts) => parts.ids.length)) : padding.length;
      for (const parts of all) padParts(parts, this.#padSpec(padding, length));
    }
    return all.map(freezeParts);
  }

  /**
   * Ids only, without offsets or masks: the fast path for bulk encoding. Equal to `encode(text).ids` with no
   * truncation or padding.
   */
  encodeIds(text: string, addSpecialTokens = true): number[] {
    const fast = this.model.tokenizeIds?.bind(this.model);
    const bytes = this.model.encodeUtf8Range?.bind(this.model);
    const source = bytes && this.#normalizedTokens === undefined ? this.preTokenizer?.byteLevelSource?.() : undefined;
    const appendIds = this.model.appendUtf8RangeIds?.bind(this.model);
    const out: number[] = [];
    const input = wellFormed(text);
    for (const segment of this.#rawTokens.split(input)) {
      if (segment.token) {
        out.push(segment.token.id);
        continue;
      }
      if (bytes && source) {
        const raw = segment.start === 0 && segment.end === input.length ? input : input.slice(segment.start, segment.end);
        const normalized = this.normalizer ? this.#normalized(raw).text : raw;
        if (appendIds) forEachPatternPiece(normalized, source, (start, end) => appendIds(normalized, start, end, out));
        else forEachPatternPiece(normalized, source, (start, end) => appendPackedIds(bytes(normalized, start, end), out));
        continue;
      }
      const normalized = this.#normalized(input.slice(segment.start, segment.end));
      this.#forEachPiece(normalized.text, segment.start === 0, (piece) => {
        if ('token' in piece) out.push(piece.token.id);
        else if (fast) fast(piece.text, out);
        else for (const token of this.model.tokenize(piece.text)) out.push(token.id);
      });
    }
    if (!addSpecialTokens || this.postProcessor === undefined) return out;
    const parts = emptyParts();
    parts.ids = out;
    parts.tokens = new Array<string>(out.length).fill('');
    parts.offsets = new Array(out.length).fill([0, 0] as const);
    parts.typeIds = new Array<number>(out.length).fill(0);
    parts.specialTokensMask = new Array<number>(out.length).fill(0);
    parts.attentionMask = new Array<number>(out.length).fill(1);
    return this.postProcessor.process(parts, true).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const skipSpecial = options.skipSpecialTokens ?? true;
    const tokens: string[] = [];
    for (const id of ids) {
      const added = Number.isInteger(id) ? this.addedVocabulary.byId(id) : undefined;
      if (added) {
        if (!(skipSpecial && added.special)) tokens.push(added.content);
        continue;
      }
      const token = Number.isInteger(id) ? this.model.idToToken(id) : undefined;
      if (token === undefined) {
        throw new CodexError('E_TOKENIZER', `cannot decode id ${String(id)}: outside the vocabulary [0, ${this.vocabSize})`, {
          hint: 'decode ids produced by this tokenizer',
          exitCode: ExitCode.input,
        });
      }
      tokens.push(token);
    }
    return this.decoder ? decodeTokens(this.decoder, tokens) : tokens.join(' ');
  }

  tokenToId(token: string): number | undefined {
    return this.addedVocabulary.byContent(token)?.id ?? this.model.tokenToId(token);
  }

  idToToken(id: number): string | undefined {
    return this.addedVocabulary.byId(id)?.content ?? this.model.idToToken(id);
  }

  toJSON(): string {
    return serializeTokenizer(this);
  }

  /** `padding === null` means the caller pads the batch itself; `undefined` means use options or defaults. */
  #encodeParts(text: string, options: EncodeOptions, padding: null | undefined): EncodingParts {
    const addSpecial = options.addSpecialTokens ?? true;
    let parts = this.#tokenize(text);
    const truncation = options.truncation ?? this.truncation;
    if (truncation !== undefined) {
      const budget = this.#budget(truncation.maxLength, addSpecial && this.postProcessor ? this.postProcessor.addedTokens() : 0);
      parts = truncateParts(parts, budget, truncation.stride ?? 0, truncation.side ?? 'right');
    }
    if (this.postProcessor) parts = this.postProcessor.process(parts, addSpecial);
    if (padding !== null) this.#padToFixed(parts, options);
    return parts;
  }

  /** Tokens the sequences may keep under `maxLength` once the post-processor's `reserved` tokens are added. */
  #budget(maxLength: number, reserved: number): number {
    if (maxLength < reserved) {
      throw new CodexError('E_TOKENIZER', `truncation max length ${maxLength} leaves no room for ${reserved} special tokens`, {
        hint: `use a max length of at least ${reserved + 1}`,
        exitCode: ExitCode.usage,
      });
    }
    return maxLength - reserved;
  }

  /** Pads to a fixed length when the options or the file ask for one (`longest` is a batch's business). */
  #padToFixed(parts: EncodingParts, options: EncodeOptions): void {
    const pad = options.padding ?? this.padding;
    if (pad !== undefined && pad.length !== 'longest') padParts(parts, this.#padSpec(pad, pad.length));
  }

  #tokenize(text: string): EncodingParts {
    const parts = emptyParts();
    const input = wellFormed(text);
    const bytes = this.model.encodeUtf8Range?.bind(this.model);
    const source = bytes && this.#normalizedTokens === undefined ? this.preTokenizer?.byteLevelSource?.() : undefined;
    for (const segment of this.#rawTokens.split(input)) {
      const added = segment.token;
      if (added) {
        // Matched in the text, not added by the post-processor: mask 0, as in Hugging Face tokenizers.
        pushToken(parts, added.id, added.content, [segment.start, segment.end], false);
        continue;
      }
      const normalized = this.#normalized(input.slice(segment.start, segment.end));
      if (bytes && source) {
        const text = normalized.text;
        forEachPatternPiece(text, source, (start, end) =>
          this.#pushUtf8Piece(parts, normalized, start, end, segment.start, bytes(text, start, end)),
        );
        continue;
      }
      this.#forEachPiece(normalized.text, segment.start === 0, (piece) => {
        if ('token' in piece) {
          const [start, end] = normalized.originalRange(piece.start, piece.end);
          pushToken(parts, piece.token.id, piece.token.content, [segment.start + start, segment.start + end], false);
          return;
        }
        for (const token of this.model.tokenize(piece.text)) {
          const [from, to] = pieceRange(piece, token.start, token.end);
          const [start, end] = normalized.originalRange(from, to);
          const value = token.value ?? this.model.idToToken(token.id) ?? '';
          pushToken(parts, token.id, value, [segment.start + start, segment.start + end], false);
        }
      });
    }
    return parts;
  }

  /**
   * The pre-tokens of normalized text, with the added tokens matched in normalized text (`normalized: true`)
   * split off first, in order. `atStart`: the text begins the input.
   */
  #forEachPiece(text: string, atStart: boolean, visit: (piece: PreToken | {token: AddedToken; start: number; end: number}) => void): void {
    const runs = this.#normalizedTokens ? this.#normalizedTokens.split(text) : [{start: 0, end: text.length}];
    for (const run of runs) {
      if (run.token) {
        visit({token: run.token, start: run.start, end: run.end});
        continue;
      }
      const slice = run.start === 0 && run.end === text.length ? text : text.slice(run.start, run.end);
      if (this.preTokenizer === undefined) {
        if (slice.length > 0) visit({text: slice, start: run.start, end: run.end});
        continue;
      }
      for (const piece of this.preTokenizer.preTokenize(slice, atStart && run.start === 0)) {
        visit(run.start === 0 ? piece : shiftPiece(piece, run.start));
      }
    }
  }

  /**
   * Tokens of one byte-level piece `normalized.text[start, end)` from `[id, byteEnd, …]`; offsets mapped back to
   * the original text and shifted by `base` (the segment's start).
   */
  #pushUtf8Piece(parts: EncodingParts, normalized: NormalizedText, start: number, end: number, base: number, encoded: Int32Array): void {
    const source = normalized.text;
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (source.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    const model = this.model;
    const identity = normalized.isIdentity;
    // Byte → code unit range of the character holding it (a token may cover part of a character).
    const piece = ascii ? undefined : spellPiece(source, start, end, 0);
    let fromByte = 0;
    for (let i = 0; i < encoded.length; i += 2) {
      const toByte = encoded[i + 1] as number;
      const id = encoded[i] as number;
      let [from, to] = piece ? pieceRange(piece, fromByte, toByte) : [start + fromByte, start + toByte];
      if (!identity) [from, to] = normalized.originalRange(from, to);
      pushToken(parts, id, model.idToToken(id) ?? '', [base + from, base + to], false);
      fromByte = toByte;
    }
  }

  #normalized(text: string): NormalizedText {
    const input = NormalizedText.from(text);
    return this.normalizer ? this.normalizer.normalize(input) : input;
  }

  #padSpec(padding: PaddingOptions, length: number) {
    const token = padding.padToken ?? this.specialTokens.pad;
    const id = token === undefined ? undefined : this.tokenToId(token);
    if (token === undefined || id === undefined) {
      throw new CodexError('E_TOKENIZER', `cannot pad: no pad token${token === undefined ? '' : ` "${token}" in the vocabulary`}`, {
        hint: 'add a [PAD] special token or pass padding.padToken',
        exitCode: ExitCode.usage,
      });
    }
    return {length, side: padding.side ?? 'right', id, token} as const;
  }
}

/** Visits every piece of a byte-level pre-tokenizer's pattern (GPT-2's by its hand-written matcher), gaps too when kept. */
function forEachPatternPiece(text: string, source: ByteLevelSource, visit: (start: number, end: number) => void): void {
  const {matcher, keepGaps} = source;
  if (matcher.source === GPT2_MATCHER_SOURCE) {
    forEachGpt2Piece(text, visit);
    return;
  }
  let at = 0;
  matcher.lastIndex = 0;
  for (let match = matcher.exec(text); match !== null; match = matcher.exec(text)) {
    const length = match[0].length;
    if (length === 0) {
      const code = text.charCodeAt(match.index);
      matcher.lastIndex = match.index + (code >= 0xd800 && code <= 0xdbff ? 2 : 1);
      continue;
    }
    if (keepGaps && match.index > at) visit(at, match.index);
    visit(match.index, match.index + length);
    at = match.index + length;
  }
  if (keepGaps && at < text.length) visit(at, text.length);
}

function shiftPiece(piece: PreToken, by: number): PreToken {
  return {...piece, start: piece.start + by, end: piece.end + by};
}
