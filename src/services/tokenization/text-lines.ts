import {CodexError, ExitCode} from '@codex-ml/core';
import {firstInvalidUtf8} from './utf8-scan.js';

/**
 * Splits a byte stream into lines (without `\n` / `\r\n`), every line kept, empty ones included, so output
 * line N answers input line N. Refuses invalid UTF-8 naming the source and byte offset.
 */
export async function* textLines(chunks: AsyncIterable<Uint8Array | string>, source: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', {fatal: true});
  let carry = '';
  let offset = 0;
  for await (const chunk of chunks) {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else {
      try {
        text = decoder.decode(chunk, {stream: true});
      } catch {
        const at = firstInvalidUtf8(chunk);
        throw invalidUtf8(source, at === undefined ? `near byte ${offset}` : `at byte ${offset + at}`);
      }
      offset += chunk.length;
    }
    const parts = (carry + text).split('\n');
    carry = parts.pop() as string;
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  try {
    carry += decoder.decode();
  } catch {
    throw invalidUtf8(source, `at its end (a truncated sequence, byte ${offset})`);
  }
  if (carry !== '') yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}

function invalidUtf8(source: string, where: string): CodexError {
  return new CodexError('E_INVALID_UTF8', `${source} is not valid UTF-8 (${where})`, {
    hint: 'convert it to UTF-8 (e.g. iconv -t UTF-8)',
    exitCode: ExitCode.input,
  });
}

/** One input given whole (a command-line argument), as a line source. */
export async function* singleLine(text: string): AsyncGenerator<string> {
  yield text;
}
