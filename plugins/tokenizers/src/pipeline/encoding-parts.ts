import type {Encoding, Offsets} from '@codex-ml/core';

/** An encoding under construction: parallel arrays, mutated in place by truncation, post-processing, padding. */
export interface EncodingParts {
  ids: number[];
  tokens: string[];
  offsets: Offsets[];
  typeIds: number[];
  specialTokensMask: number[];
  attentionMask: number[];
  overflowing: EncodingParts[];
}

export function emptyParts(): EncodingParts {
  return {ids: [], tokens: [], offsets: [], typeIds: [], specialTokensMask: [], attentionMask: [], overflowing: []};
}

export function pushToken(parts: EncodingParts, id: number, token: string, offsets: Offsets, special: boolean): void {
  parts.ids.push(id);
  parts.tokens.push(token);
  parts.offsets.push(offsets);
  parts.typeIds.push(0);
  parts.specialTokensMask.push(special ? 1 : 0);
  parts.attentionMask.push(1);
}

export function sliceParts(parts: EncodingParts, start: number, end: number): EncodingParts {
  return {
    ids: parts.ids.slice(start, end),
    tokens: parts.tokens.slice(start, end),
    offsets: parts.offsets.slice(start, end),
    typeIds: parts.typeIds.slice(start, end),
    specialTokensMask: parts.specialTokensMask.slice(start, end),
    attentionMask: parts.attentionMask.slice(start, end),
    overflowing: [],
  };
}

/**
 * The encodings of a pair's pieces joined in order, as Hugging Face's `Encoding::merge`: each token keeps its
 * offsets into its own sequence, and the overflowing windows combine as HF combines them — every window so far
 * joined with the next piece and with each of its windows, then the joined main part with each of its windows.
 */
export function mergeParts(pieces: readonly EncodingParts[]): EncodingParts {
  let merged = emptyParts();
  for (const piece of pieces) merged = mergeTwo(merged, piece);
  return merged;
}

function mergeTwo(first: EncodingParts, second: EncodingParts): EncodingParts {
  const overflowing: EncodingParts[] = [];
  for (const window of first.overflowing) {
    overflowing.push(mergeTwo(window, second));
    for (const other of second.overflowing) overflowing.push(mergeTwo(window, other));
  }
  for (const other of second.overflowing) overflowing.push(mergeTwo(first, other));
  return {
    ids: [...first.ids, ...second.ids],
    tokens: [...first.tokens, ...second.tokens],
    offsets: [...first.offsets, ...second.offsets],
    typeIds: [...first.typeIds, ...second.typeIds],
    specialTokensMask: [...first.specialTokensMask, ...second.specialTokensMask],
    attentionMask: [...first.attentionMask, ...second.attentionMask],
    overflowing,
  };
}

/** A special token a post-processor adds: its id and text. */
export interface SpecialPiece {
  readonly token: string;
  readonly id: number;
}

/**
 * `before` + `parts` + `after`, and each overflowing window wrapped the same way, as BERT's and RoBERTa's
 * post-processors wrap a pair's sequences. Type ids: `types.special` for the added tokens; `types.sequence` for
 * the sequence's own, which keep theirs when it is undefined; `types.window`, when given, for every token of a
 * window.
 */
export function wrapParts(
  parts: EncodingParts,
  before: readonly SpecialPiece[],
  after: readonly SpecialPiece[],
  types: {readonly special: number; readonly sequence?: number; readonly window?: number},
): EncodingParts {
  const wrap = (inner: EncodingParts, sequence: number | undefined, special: number): EncodingParts => {
    const out = emptyParts();
    const add = (piece: SpecialPiece) => {
      pushToken(out, piece.id, piece.token, [0, 0], true);
      out.typeIds[out.typeIds.length - 1] = special;
    };
    before.forEach(add);
    for (let i = 0; i < inner.ids.length; i++) {
      out.ids.push(inner.ids[i] as number);
      out.tokens.push(inner.tokens[i] as string);
      out.offsets.push(inner.offsets[i] as Offsets);
      out.typeIds.push(sequence ?? (inner.typeIds[i] as number));
      out.specialTokensMask.push(0);
      out.attentionMask.push(1);
    }
    after.forEach(add);
    return out;
  };
  const main = wrap(parts, types.sequence, types.special);
  main.overflowing = parts.overflowing.map((window) => wrap(window, types.window ?? types.sequence, types.window ?? types.special));
  return main;
}

/** `parts` with every type id, its windows' too, set to `typeId` (a pair's second sequence starts as 1). */
export function withTypeId(parts: EncodingParts, typeId: number): EncodingParts {
  parts.typeIds = parts.typeIds.map(() => typeId);
  for (const window of parts.overflowing) withTypeId(window, typeId);
  return parts;
}

export function freezeParts(parts: EncodingParts): Encoding {
  return {
    ids: parts.ids,
    tokens: parts.tokens,
    typeIds: parts.typeIds,
    offsets: parts.offsets,
    attentionMask: parts.attentionMask,
    specialTokensMask: parts.specialTokensMask,
    overflowing: parts.overflowing.map(freezeParts),
  };
}
