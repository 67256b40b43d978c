import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';

/** SentencePiece's NMT cleanup (tokenizer.json type `Nmt`): control characters dropped, odd spaces made spaces. */
export class NmtNormalizer implements Normalizer {
  readonly type = 'Nmt';

  normalize(input: NormalizedText): NormalizedText {
    const text = input.text;
    const runs: [number, number, string][] = [];
    let kept = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const replacement = nmt(code);
      if (replacement === undefined) continue;
      if (i > kept) runs.push([kept, i, text.slice(kept, i)]);
      runs.push([i, i + 1, replacement]);
      kept = i + 1;
    }
    if (runs.length === 0) return input;
    if (kept < text.length) runs.push([kept, text.length, text.slice(kept)]);
    return input.transform(runs);
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}

function nmt(code: number): string | undefined {
  if (
    (code >= 0x01 && code <= 0x08) ||
    code === 0x0b ||
    (code >= 0x0e && code <= 0x1f) ||
    code === 0x7f ||
    code === 0x8f ||
    code === 0x9f
  ) {
    return '';
  }
  if (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0c ||
    code === 0x0d ||
    code === 0x1680 ||
    (code >= 0x200b && code <= 0x200f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x2581 ||
    code === 0xfeff ||
    code === 0xfffd
  ) {
    return ' ';
  }
  return undefined;
}
