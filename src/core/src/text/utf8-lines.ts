import {CodexError, ExitCode} from '../errors.js';

/**
 * What to do with text that is not valid UTF-8 (or, once decoded, holds a lone surrogate): `error` refuses it
 * with one line naming the file, line and byte offset; `replace` decodes it with U+FFFD for each invalid
 * sequence (the WHATWG rule); `skip` leaves the line out. Checksums always cover the raw bytes, whatever the
 * policy: two inputs that decode alike but differ in bytes never verify as equal.
 */
export const INVALID_UTF8_POLICIES = ['error', 'replace', 'skip'] as const;
export type InvalidUtf8Policy = (typeof INVALID_UTF8_POLICIES)[number];

/** One line of a byte stream, without its `\n` (and a `\r` before it). */
export interface ByteLine {
  readonly bytes: Uint8Array;
  /** 1-based. */
  readonly number: number;
  /** Byte offset of the line's first byte in the stream. */
  readonly offset: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines. Lines are cut at LF bytes — a byte UTF-8 never uses inside a multi-byte
 * sequence — so the lines, and everything decided from them, are the same however the stream is chunked.
 */
export class ByteLineSplitter {
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #number = 0;
  #offset = 0;

  /** The lines completed by `chunk`. */
  push(chunk: Uint8Array): ByteLine[] {
    const lines: ByteLine[] = [];
    let start = 0;
    for (let index = chunk.indexOf(LF); index >= 0; index = chunk.indexOf(LF, start)) {
      lines.push(this.#line(chunk.subarray(start, index), index + 1 - start));
      start = index + 1;
    }
    if (start < chunk.length) {
      // Copied: the caller may reuse its buffer for the next chunk.
      this.#pending.push(chunk.slice(start));
      this.#pendingLength += chunk.length - start;
    }
    return lines;
  }

  /** The last line, when the stream does not end with a line break. */
  end(): ByteLine[] {
    if (this.#pendingLength === 0) return [];
    return [this.#line(new Uint8Array(0), 0)];
  }

  #line(tail: Uint8Array, consumed: number): ByteLine {
    let bytes: Uint8Array = tail;
    if (this.#pendingLength > 0) {
      bytes = new Uint8Array(this.#pendingLength + tail.length);
      let at = 0;
      for (const part of this.#pending) {
        bytes.set(part, at);
        at += part.length;
      }
      bytes.set(tail, at);
    }
    const line: ByteLine = {
      bytes: bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes,
      number: ++this.#number,
      offset: this.#offset,
    };
    this.#offset += this.#pendingLength + consumed;
    this.#pending = [];
    this.#pendingLength = 0;
    return line;
  }
}

/** The lines of a whole buffer. */
export function splitByteLines(bytes: Uint8Array): ByteLine[] {
  const splitter = new ByteLineSplitter();
  return [...splitter.push(bytes), ...splitter.end()];
}

const strict = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});
const lenient = new TextDecoder('utf-8', {fatal: false, ignoreBOM: true});

/**
 * Decodes one line under a policy; undefined means "skip this line". `source` names the file (or stream) in
 * the error, which gives the line number and the byte offset of the first invalid byte in the whole input.
 */
export function decodeLine(line: ByteLine, source: string, policy: InvalidUtf8Policy): string | undefined {
  try {
    return strict.decode(line.bytes);
  } catch {
    if (policy === 'replace') return lenient.decode(line.bytes);
    if (policy === 'skip') return undefined;
    const at = firstInvalidUtf8(line.bytes) ?? line.bytes.length;
    throw invalidUtf8(source, line.number, line.offset + at);
  }
}

/**
 * Decodes a whole buffer (a document) under a policy: its text as is when valid; otherwise the first invalid
 * line is refused by name, or every invalid sequence replaced, or every line holding one left out.
 */
export function decodeDocument(bytes: Uint8Array, source: string, policy: InvalidUtf8Policy): string {
  try {
    return strict.decode(bytes);
  } catch {
    if (policy === 'replace') return lenient.decode(bytes);
    const kept: string[] = [];
    for (const line of splitByteLines(bytes)) {
      const text = decodeLine(line, source, policy);
      if (text !== undefined) kept.push(text);
    }
    return kept.join('\n');
  }
}

/** Applies the policy to text that may hold lone surrogates (a JSON string with `\ud800`, say). */
export function wellFormedText(text: string, where: string, policy: InvalidUtf8Policy): string | undefined {
  const index = loneSurrogateIndex(text, 0);
  if (index < 0) return text;
  if (policy === 'skip') return undefined;
  if (policy === 'replace') {
    let out = '';
    let from = 0;
    for (let at = index; at >= 0; at = loneSurrogateIndex(text, from)) {
      out += `${text.slice(from, at)}\ufffd`;
      from = at + 1;
    }
    return out + text.slice(from);
  }
  throw new CodexError(
    'E_INVALID_UTF8',
    `${where}: the text holds a lone surrogate (\\u${text.charCodeAt(index).toString(16)} at character ${index}), which UTF-8 cannot encode`,
    {hint: 'fix the input, or pass --on-invalid-utf8 replace (U+FFFD) or skip (leave the line out)', exitCode: ExitCode.input},
  );
}

/** Index of the first UTF-16 surrogate at or after `from` that is not half of a pair, or -1. */
function loneSurrogateIndex(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index++;
        continue;
      }
    }
    return index;
  }
  return -1;
}

/**
 * Offset of the first byte that starts an invalid UTF-8 sequence (overlong forms, surrogates and code points
 * above U+10FFFF included); undefined when valid, except for a sequence cut short by the end of `bytes`.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] as number;
    if (lead < 0x80) {
      index++;
      continue;
    }
    let length: number;
    let min: number;
    if (lead >= 0xc2 && lead <= 0xdf) [length, min] = [2, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [length, min] = [3, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, min] = [4, 0x10000];
    else return index;
    if (index + length > bytes.length) return index;
    let codePoint = lead & (0xff >> (length + 1));
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next] as number;
      if ((byte & 0xc0) !== 0x80) return index;
      codePoint = (codePoint << 6) | (byte & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return index;
    index += length;
  }
  return undefined;
}

function invalidUtf8(source: string, line: number, offset: number): CodexError {
  return new CodexError('E_INVALID_UTF8', `${source}:${line}: invalid UTF-8 at byte offset ${offset}`, {
    hint: 'convert the file to UTF-8 (iconv -t UTF-8), or pass --on-invalid-utf8 replace (U+FFFD) or skip (leave the line out)',
    exitCode: ExitCode.input,
  });
}
