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

export function freezeParts(parts: EncodingParts): Encoding {
  return {
    ids: parts.ids,
    tokens: parts.tokens,
    offsets: parts.offsets,
    attentionMask: parts.attentionMask,
    specialTokensMask: parts.specialTokensMask,
    overflowing: parts.overflowing.map(freezeParts),
  };
}
