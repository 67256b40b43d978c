import {open} from 'node:fs/promises';
import {CodexError, ExitCode, type Hasher, READ_CHUNK, fileError, formatChecksum} from '@codex-ml/core';
import {stripBrownTags} from '../data/index.js';
import type {CorpusFile, CorpusSource} from './corpus-source.js';
import {firstInvalidUtf8} from './utf8-scan.js';

export interface CorpusReadOptions {
  /** The hasher for a checksum's algorithm, to re-verify each file as it is read. */
  readonly hasherFor: (algorithm: string) => Promise<Hasher>;
  /** Called with the bytes read so far across all files. */
  readonly onBytes?: (bytes: number) => void;
  /** A shard of a corpus may hold no text; the whole corpus may not. */
  readonly allowEmpty?: boolean;
}

/** Counts filled in while the corpus is read. */
export interface CorpusReadStats {
  /** Non-empty lines yielded so far. */
  lines: number;
  bytes: number;
  /** Where the line just yielded came from: its file and 1-based line number. */
  path?: string;
  lineNumber?: number;
}

const UTF8_BOM = '\uFEFF';

/**
 * Streams the non-empty lines of a corpus (without their `\n` / `\r\n`, a leading BOM dropped): its files,
 * then its record sets. Refuses binary files (a NUL byte) and invalid UTF-8 with the file and byte offset,
 * re-hashes every byte it reads and refuses a file that changed since it was checksummed, and refuses a corpus
 * without a single line of text.
 */
export async function* readCorpusLines(
  corpus: Pick<CorpusSource, 'files' | 'records'>,
  options: CorpusReadOptions,
  stats: CorpusReadStats = {lines: 0, bytes: 0},
): AsyncGenerator<string> {
  for (const file of corpus.files) yield* readFileLines(file, options, stats);
  for (const set of corpus.records) {
    stats.path = set.id;
    stats.lineNumber = 0;
    for await (const text of set.texts()) {
      stats.bytes += Buffer.byteLength(text);
      options.onBytes?.(stats.bytes);
      for (const line of text.split('\n')) {
        stats.lineNumber++;
        const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
        if (trimmed === '') continue;
        stats.lines++;
        yield trimmed;
      }
    }
  }
  if (stats.lines === 0 && !options.allowEmpty) {
    const count = corpus.files.length + corpus.records.length;
    throw new CodexError('E_EMPTY_CORPUS', `the corpus (${count} source${count === 1 ? '' : 's'}) holds no text`, {
      hint: 'pass files with at least one non-empty line',
      exitCode: ExitCode.input,
    });
  }
}

async function* readFileLines(file: CorpusFile, options: CorpusReadOptions, stats: CorpusReadStats): AsyncGenerator<string> {
  const algorithm = file.checksum.slice(0, file.checksum.indexOf(':'));
  const state = (await options.hasherFor(algorithm)).create();
  const decoder = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});
  const handle = await open(file.path, 'r').catch((error: unknown) => {
    throw fileError(file.path, error);
  });
  const buffer = Buffer.allocUnsafe(READ_CHUNK);
  let offset = 0;
  let carry = '';
  let first = true;
  let lineNumber = 0;
  stats.path = file.path;
  try {
    for (;;) {
      const {bytesRead} = await handle.read(buffer, 0, READ_CHUNK, null).catch((error: unknown) => {
        throw fileError(file.path, error);
      });
      const chunk = buffer.subarray(0, bytesRead);
      state.update(chunk);
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        throw new CodexError('E_BINARY_INPUT', `${file.path} looks binary (NUL byte at offset ${offset + nul})`, {
          hint: 'pass text files only (UTF-8)',
          exitCode: ExitCode.input,
        });
      }
      let text: string;
      try {
        text = decoder.decode(chunk, {stream: bytesRead > 0});
      } catch {
        throw invalidUtf8(file.path, offset, chunk);
      }
      offset += bytesRead;
      stats.bytes += bytesRead;
      options.onBytes?.(stats.bytes);
      if (first && text.startsWith(UTF8_BOM)) text = text.slice(1);
      if (text !== '') first = false;
      const parts = (carry + text).split('\n');
      carry = bytesRead > 0 ? (parts.pop() as string) : '';
      for (const part of parts) {
        lineNumber++;
        const raw = part.endsWith('\r') ? part.slice(0, -1) : part;
        // Tag stripping works line by line, so streaming gives what stripping the whole document gives.
        const line = file.stripBrownTags ? stripBrownTags(raw).trimEnd() : raw;
        if (line === '') continue;
        stats.lines++;
        stats.lineNumber = lineNumber;
        yield line;
      }
      if (bytesRead === 0) break;
    }
  } finally {
    await handle.close();
  }
  const actual = formatChecksum(algorithm, state.digest());
  if (actual !== file.checksum) {
    throw new CodexError('E_DRIFT', `${file.path} changed while it was read: expected ${file.checksum}, found ${actual}`, {
      hint: 'do not modify the corpus during training; re-run',
      exitCode: ExitCode.integrity,
    });
  }
}

function invalidUtf8(path: string, offset: number, chunk: Uint8Array): CodexError {
  // A sequence split across chunks is carried by the decoder, so the fault lies at or before this chunk's end.
  const at = firstInvalidUtf8(chunk);
  const where = at === undefined ? `near byte ${offset}` : `at byte ${offset + at}`;
  return new CodexError('E_INVALID_UTF8', `${path} is not valid UTF-8 (${where})`, {
    hint: 'convert it to UTF-8 (e.g. iconv -t UTF-8) or leave it out',
    exitCode: ExitCode.input,
  });
}
