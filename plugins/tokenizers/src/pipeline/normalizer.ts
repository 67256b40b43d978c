import type {NormalizedText} from './normalized-text.js';

import type {JsonObject} from './json-value.js';

export type {JsonObject, JsonValue} from './json-value.js';

/**
 * First pipeline stage: rewrites the input (Unicode normalization, case folding, …) while keeping every code
 * unit aligned to the original input. Stateless and pure: equal inputs give equal outputs.
 */
export interface Normalizer {
  /** The tokenizer.json `type` tag. */
  readonly type: string;
  normalize(input: NormalizedText): NormalizedText;
  /** The tokenizer.json object, keys in a fixed order. */
  toJSON(): JsonObject;
}
