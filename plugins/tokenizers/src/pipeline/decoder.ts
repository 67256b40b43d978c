import type {JsonObject} from './normalizer.js';

/** Last pipeline stage: turns token strings back into text. */
export interface Decoder {
  readonly type: string;
  decode(tokens: readonly string[]): string;
  toJSON(): JsonObject;
}
