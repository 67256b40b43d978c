import {utf8Into} from '@codex-ml/core';
import {CHAR_TO_BYTE} from './byte-level-alphabet.js';
import type {Decoder} from './decoder.js';
import type {JsonObject} from './normalizer.js';

/**
 * Maps byte-level characters back to bytes and decodes UTF-8 (tokenizer.json type `ByteLevel`). A token with a
 * character outside the alphabet (an added token such as `<|endoftext|>` written plainly) contributes its own
 * UTF-8 bytes, and invalid UTF-8 becomes U+FFFD — both as in Hugging Face tokenizers.
 */
export class ByteLevelDecoder implements Decoder {
  readonly type = 'ByteLevel';
  readonly #utf8 = new TextDecoder('utf-8', {fatal: false, ignoreBOM: true});

  decodeChain(tokens: readonly string[]): string[] {
    return [this.decode(tokens)];
  }

  decode(tokens: readonly string[]): string {
    let length = 0;
    for (const token of tokens) length += token.length * 3;
    const bytes = new Uint8Array(length);
    let at = 0;
    for (const token of tokens) {
      const start = at;
      let plain = true;
      for (let i = 0; i < token.length; i++) {
        const code = token.charCodeAt(i);
        const byte = code < CHAR_TO_BYTE.length ? (CHAR_TO_BYTE[code] as number) : -1;
        if (byte < 0) {
          plain = false;
          break;
        }
        bytes[at++] = byte;
      }
      if (!plain) at = start + utf8Into(token, bytes.subarray(start)).written;
    }
    return this.#utf8.decode(bytes.subarray(0, at));
  }

  toJSON(): JsonObject {
    return {type: this.type, add_prefix_space: true, trim_offsets: true, use_regex: true};
  }
}
