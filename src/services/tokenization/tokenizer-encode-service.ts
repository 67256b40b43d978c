import type {EncodeOptions, Encoding, Tokenizer} from '@codex-ml/core';

/** One input line, encoded: what `tokenizer:encode --json` prints per line. */
export interface EncodedLine {
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
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
  async *encodeLines(tokenizer: Tokenizer, lines: AsyncIterable<string>, options: EncodeOptions): AsyncGenerator<EncodedLine> {
    const padded = options.padding !== undefined;
    const toLongest = options.padding?.length === 'longest';
    let batch: string[] = [];
    for await (const line of lines) {
      batch.push(line);
      if (!toLongest && batch.length >= BATCH) {
        yield* tokenizer.encodeBatch(batch, options).map((encoding) => shape(encoding, padded));
        batch = [];
      }
    }
    if (batch.length > 0) yield* tokenizer.encodeBatch(batch, options).map((encoding) => shape(encoding, padded));
  }
}

function shape(encoding: Encoding, padded: boolean): EncodedLine {
  return {
    ids: encoding.ids,
    tokens: encoding.tokens,
    ...(padded ? {attentionMask: encoding.attentionMask} : {}),
    ...(encoding.overflowing.length > 0 ? {overflowing: encoding.overflowing.map(({ids, tokens}) => ({ids, tokens}))} : {}),
  };
}
