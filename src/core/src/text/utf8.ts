const encoder = new TextEncoder();

/**
 * The UTF-8 of a string. Like every UTF-8 encoder (WHATWG `TextEncoder`, Rust strings crossing napi), a lone
 * UTF-16 surrogate, which UTF-8 cannot represent, becomes U+FFFD: checksums, token ids and ranks computed from
 * text agree with other tools because all of them go through these functions.
 */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `utf8` into an existing buffer: how many UTF-16 units were read and bytes written (what did not fit is not). */
export function utf8Into(text: string, target: Uint8Array): {read: number; written: number} {
  const {read, written} = encoder.encodeInto(text, target);
  return {read, written};
}

/**
 * Feeds the UTF-8 bytes of `text` from UTF-16 index `start` to `push`, one at a time, with `utf8`'s surrogate
 * rule and no allocation: for hashing and vocabulary lookups in per-item hot loops.
 */
export function forEachUtf8Byte(text: string, start: number, push: (byte: number) => void): void {
  for (let i = start; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      push(code);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x800) {
      push(0xc0 | (code >> 6));
      push(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      push(0xe0 | (code >> 12));
      push(0x80 | ((code >> 6) & 0x3f));
      push(0x80 | (code & 0x3f));
    } else {
      push(0xf0 | (code >> 18));
      push(0x80 | ((code >> 12) & 0x3f));
      push(0x80 | ((code >> 6) & 0x3f));
      push(0x80 | (code & 0x3f));
    }
  }
}
