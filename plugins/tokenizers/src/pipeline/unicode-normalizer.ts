import {combiningClusters} from './code-point-runs.js';
import type {NormalizedText} from './normalized-text.js';
import type {JsonObject, Normalizer} from './normalizer.js';

export type UnicodeForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/** Unicode normalization (`String.prototype.normalize`), tokenizer.json types `NFC`, `NFD`, `NFKC`, `NFKD`. */
export class UnicodeNormalizer implements Normalizer {
  readonly type: UnicodeForm;

  constructor(form: UnicodeForm) {
    this.type = form;
  }

  normalize(input: NormalizedText): NormalizedText {
    const whole = input.text.normalize(this.type);
    if (whole === input.text) return input;
    const runs: [number, number, string][] = [];
    for (const [start, end] of combiningClusters(input.text)) {
      runs.push([start, end, input.text.slice(start, end).normalize(this.type)]);
    }
    // Some compositions (Hangul jamo, a few scripts) cross cluster boundaries; then one coarse run keeps the text
    // exact at the cost of offset precision.
    if (runs.map((run) => run[2]).join('') !== whole) return input.transform([[0, input.text.length, whole]]);
    return input.transform(runs);
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}

export function isUnicodeForm(value: string): value is UnicodeForm {
  return value === 'NFC' || value === 'NFD' || value === 'NFKC' || value === 'NFKD';
}
