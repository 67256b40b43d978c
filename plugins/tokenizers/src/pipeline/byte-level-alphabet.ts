/**
 * GPT-2's reversible byte ↔ character table: printable Latin-1 bytes stand for themselves, the others are
 * shifted to U+0100…U+0143 so that every byte is one visible character (tokenizer.json vocabularies of
 * byte-level models are written in these characters).
 */
function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array<string>(256);
  for (const b of printable) table[b] = String.fromCharCode(b);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCharCode(256 + next++);
  }
  return table;
}

/** Character for each byte value. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** Byte value for each character code (−1 for characters outside the alphabet); indexed by `charCodeAt`. */
export const CHAR_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(0x144).fill(-1);
  BYTE_TO_CHAR.forEach((char, byte) => {
    table[char.charCodeAt(0)] = byte;
  });
  return table;
})();

/** The 256 characters, in byte order. */
export function byteLevelAlphabet(): string[] {
  return [...BYTE_TO_CHAR];
}

/** UTF-8 bytes spelled in the byte-level alphabet. */
export function bytesToByteLevel(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += BYTE_TO_CHAR[byte];
  return out;
}

/** Inverse of `bytesToByteLevel`; returns undefined when a character is outside the alphabet. */
export function byteLevelToBytes(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const byte = code < CHAR_TO_BYTE.length ? (CHAR_TO_BYTE[code] as number) : -1;
    if (byte < 0) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}
