import {CodexError, ExitCode, firstInvalidUtf8} from '@codex-ml/core';

/**
 * What to do with a line that is not valid UTF-8 (lone surrogates encoded as UTF-8 included): refuse it (the
 * default, one error naming the line and byte offset), replace each invalid sequence by U+FFFD (WHATWG's
 * decoder), or skip the line.
 */
export type InvalidUtf8Policy = 'error' | 'replace' | 'skip';
export const INVALID_UTF8_POLICIES: readonly InvalidUtf8Policy[] = ['error', 'replace', 'skip'];

export interface TextLinesOptions {
  readonly onInvalidUtf8?: InvalidUtf8Policy;
  /** Told about each skipped line (1-based number and byte offset of the first invalid byte). */
  readonly onSkip?: (line: number, byte: number) => void;
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines (without `\n` / `\r\n`), every line kept, empty ones included, so output line N
 * answers input line N. Lines are cut on the byte 0x0A, which never occurs inside a UTF-8 sequence, and each line
 * is decoded whole: the outcome never depends on how the stream was chunked, and a line of any length costs time
 * linear in its bytes.
 */
export async function* textLines(
  chunks: AsyncIterable<Uint8Array | string>,
  source: string,
  options: TextLinesOptions = {},
): AsyncGenerator<string> {
  const policy = options.onInvalidUtf8 ?? 'error';
  const strict = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});
  const lenient = new TextDecoder('utf-8', {fatal: false, ignoreBOM: true});
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let lineStart = 0;
  let lineNumber = 0;
  let offset = 0;

  const finish = (bytes: Uint8Array): string | undefined => {
    lineNumber++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    const body = bytes.subarray(0, end);
    try {
      return strict.decode(body);
    } catch {
      // A whole line: a sequence cut short by its end is invalid too, and reported at its first byte.
      const at = firstInvalidUtf8(body) ?? 0;
      if (policy === 'replace') return lenient.decode(body);
      if (policy === 'skip') {
        options.onSkip?.(lineNumber, lineStart + at);
        return undefined;
      }
      throw new CodexError('E_INVALID_UTF8', `${source}: line ${lineNumber}, byte ${lineStart + at}: not valid UTF-8`, {
        hint: 'convert it to UTF-8 (e.g. iconv -t UTF-8), or pass --on-invalid-utf8 replace|skip',
        exitCode: ExitCode.input,
      });
    }
  };
  const take = (): Uint8Array => {
    const whole = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    return whole;
  };

  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let from = 0;
    for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, from)) {
      parts.push(bytes.subarray(from, at));
      partBytes += at - from;
      const line = finish(take());
      if (line !== undefined) yield line;
      lineStart = offset + at + 1;
      from = at + 1;
    }
    if (from < bytes.length) {
      // Copied: a stream may reuse a chunk's memory for the next read, and this part outlives the chunk.
      parts.push(Uint8Array.prototype.slice.call(bytes, from));
      partBytes += bytes.length - from;
    }
    offset += bytes.length;
  }
  if (partBytes > 0) {
    const line = finish(take());
    if (line !== undefined) yield line;
  }
}

/** One input given whole (a command-line argument), as a line source. */
export async function* singleLine(text: string): AsyncGenerator<string> {
  yield text;
}
