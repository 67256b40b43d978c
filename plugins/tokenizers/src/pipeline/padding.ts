import type {EncodingParts} from './encoding-parts.js';

export interface PadSpec {
  readonly length: number;
  readonly side: 'left' | 'right';
  readonly id: number;
  readonly token: string;
}

/** Pads `parts` (and its overflowing windows) to `spec.length`; longer encodings are left as they are. */
export function padParts(parts: EncodingParts, spec: PadSpec): void {
  for (const window of parts.overflowing) padParts(window, spec);
  const missing = spec.length - parts.ids.length;
  if (missing <= 0) return;
  const fill = <T>(values: T[], value: T) => {
    const padding = new Array<T>(missing).fill(value);
    if (spec.side === 'right') values.push(...padding);
    else values.unshift(...padding);
  };
  fill(parts.ids, spec.id);
  fill(parts.tokens, spec.token);
  fill(parts.offsets, [0, 0] as const);
  fill(parts.typeIds, 0);
  fill(parts.specialTokensMask, 1);
  fill(parts.attentionMask, 0);
}
