import {open} from 'node:fs/promises';
import {
  type ByteLine,
  ByteLineSplitter,
  CodexError,
  ExitCode,
  type Hasher,
  type InvalidUtf8Policy,
  READ_CHUNK,
  decodeLine,
  fileError,
  formatChecksum,
} from '@codex-ml/core';
import {stripBrownTags} from '../data/index.js';
import type {CorpusFile, CorpusSource} from './corpus-source.js';

export interface CorpusReadOptions {
  /** The hasher for a checksum's algorithm, to re-verify each file as it is read. */
  readonly hasherFor: (algorithm: string) => Promise<Hasher>;
  /** Called with the bytes read so far across all files. */
  readonly onBytes?: (bytes: number) => void;
  /** Invalid UTF-8 in corpus files: refused by file, line and byte offset (default), replaced, or the line skipped. */
  readonly onInvalidUtf8?: InvalidUtf8Policy;
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
 * then its record sets. Refuses binary files (a NUL byte) and invalid UTF-8 with the file, line and byte offset
 * (unless `onInvalidUtf8` says otherwise),
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
  const policy = options.onInvalidUtf8 ?? 'error';
  const handle = await open(file.path, 'r').catch((error: unknown) => {
    throw fileError(file.path, error);
  });
  const buffer = Buffer.allocUnsafe(READ_CHUNK);
  // Lines are cut from the bytes, then decoded one by one: what is accepted, refused or replaced does not
  // depend on where the chunks happen to end.
  const splitter = new ByteLineSplitter();
  let offset = 0;
  stats.path = file.path;
  const decoded = function* (lines: readonly ByteLine[]): Generator<string> {
    for (const byteLine of lines) {
      let text = decodeLine(byteLine, file.path, policy);
      if (text === undefined) continue;
      if (byteLine.number === 1 && text.startsWith(UTF8_BOM)) text = text.slice(1);
      // Tag stripping works line by line, so streaming gives what stripping the whole document gives.
      const line = file.stripBrownTags ? stripBrownTags(text).trimEnd() : text;
      if (line === '') continue;
      stats.lines++;
      stats.lineNumber = byteLine.number;
      yield line;
    }
  };
  try {
    for (;;) {
      const {bytesRead} = await handle.read(buffer, 0, READ_CHUNK, null).catch((error: unknown) => {
        throw fileError(file.path, error);
      });
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      state.update(chunk);
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        throw new CodexError('E_BINARY_INPUT', `${file.path} looks binary (NUL byte at offset ${offset + nul})`, {
          hint: 'pass text files only (UTF-8)',
          exitCode: ExitCode.input,
        });
      }
      offset += bytesRead;
      stats.bytes += bytesRead;
      options.onBytes?.(stats.bytes);
      yield* decoded(splitter.push(chunk));
    }
    yield* decoded(splitter.end());
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
