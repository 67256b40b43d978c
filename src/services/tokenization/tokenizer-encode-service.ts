import type {EncodeOptions, Encoding, Offsets, Tokenizer} from '@codex-ml/core';
import {type OffsetUnit, convertOffsets} from './offset-units.js';

/** One input line, encoded: what `tokenizer:encode --json` prints per line. */
export interface EncodedLine {
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
  /** `[start, end)` of each token in the input line, in the unit asked for; present when offsets were asked for. */
  readonly offsets?: readonly Offsets[];
  /** Present when padding is on. */
  readonly attentionMask?: readonly number[];
  /** Windows after the first, when truncation with a stride produced them. */
  readonly overflowing?: ReadonlyArray<{readonly ids: readonly number[]; readonly tokens: readonly string[]}>;
}

/** Lines encoded per encodeBatch call: large enough to amortize, small enough to stream. */
const BATCH = 512;

/**
 * Encodes a stream of lines, one result per line in input order. Padding to the longest needs every line
 * first; every other setting streams in batches.
 */
export class TokenizerEncodeService {
  /**
   * Ids only, one array per line, when nothing else is asked for (no padding, truncation or offsets): through
   * the tokenizer's ids fast path when it has one, which keeps memory to the ids however long a line is.
   */
  async *encodeLineIds(tokenizer: Tokenizer, lines: AsyncIterable<string>, options: EncodeOptions): AsyncGenerator<readonly number[]> {
    const fast = options.padding === undefined && options.truncation === undefined ? tokenizer.encodeIds?.bind(tokenizer) : undefined;
    if (fast === undefined) {
      for await (const encoded of this.encodeLines(tokenizer, lines, options)) yield encoded.ids;
      return;
    }
    for await (const line of lines) yield fast(line, options.addSpecialTokens ?? true);
  }

  async *encodeLines(
    tokenizer: Tokenizer,
    lines: AsyncIterable<string>,
    options: EncodeOptions,
    offsets?: OffsetUnit,
  ): AsyncGenerator<EncodedLine> {
    const padded = options.padding !== undefined;
    const toLongest = options.padding?.length === 'longest';
    let batch: string[] = [];
    const flush = (texts: string[]) =>
      tokenizer.encodeBatch(texts, options).map((encoding, i) => shape(encoding, padded, texts[i] as string, offsets));
    for await (const line of lines) {
      batch.push(line);
      if (!toLongest && batch.length >= BATCH) {
        yield* flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield* flush(batch);
  }
}

function shape(encoding: Encoding, padded: boolean, text: string, offsets: OffsetUnit | undefined): EncodedLine {
  return {
    ids: encoding.ids,
    tokens: encoding.tokens,
    ...(offsets === undefined ? {} : {offsets: convertOffsets(text, encoding.offsets, offsets)}),
    ...(padded ? {attentionMask: encoding.attentionMask} : {}),
    ...(encoding.overflowing.length > 0 ? {overflowing: encoding.overflowing.map(({ids, tokens}) => ({ids, tokens}))} : {}),
  };
}
