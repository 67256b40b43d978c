import {stat} from 'node:fs/promises';
import {inject, injectable} from 'tsyringe';
import {
  type Artifact,
  Backends,
  CodexError,
  ExitCode,
  Hasher,
  ParallelFileHasher,
  backendOf,
  errnoCode,
  formatChecksum,
} from '@codex-ml/core';
import {parseChecksumList} from './checksum-list.js';
import {listFiles} from './file-listing.js';

/** A hashed file, with its digest also as bare hex (what b3sum-style lines print). */
export interface HashedFile extends Artifact {
  readonly hex: string;
}

/** What `codex hash` returns. */
export interface HashResult {
  /** The hasher backend's name. */
  readonly hasher: string;
  /** Prefix of every checksum. */
  readonly algorithm: string;
  readonly files: readonly HashedFile[];
}

export interface HashPathsOptions {
  readonly threads?: number;
  /** Called with (bytes hashed, total bytes). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One line of a checksum list, checked. */
export interface CheckedFile {
  readonly path: string;
  readonly line: number;
  readonly expected: string;
  /** The digest now; null when the file could not be read. */
  readonly actual: string | null;
  /** `ok`; `failed`: the digest differs; `missing`: the file could not be opened or read. */
  readonly status: 'ok' | 'failed' | 'missing';
}

/** What `codex hash --check LIST` returns: each listed file checked, like `sha256sum -c`. */
export interface HashCheckResult {
  readonly hasher: string;
  readonly algorithm: string;
  /** The checksum list read. */
  readonly list: string;
  readonly files: readonly CheckedFile[];
  /** Line numbers that are not checksum lines. */
  readonly malformed: readonly number[];
  readonly failed: number;
  readonly missing: number;
  readonly ok: boolean;
}

/** Checksums of files and directory trees with the bound hasher. */
@injectable()
export class HashService {
  constructor(
    @inject(Hasher) private readonly hasher: Hasher,
    @inject(Backends) private readonly backends: Backends,
  ) {}

  /**
   * Re-hashes every file a checksum list names (relative names from the working directory, as `sha256sum -c`
   * reads them) with the bound hasher, or the one a BSD tag names, and compares.
   */
  async checkList(list: string, text: string, options: HashPathsOptions = {}): Promise<HashCheckResult> {
    const parsed = parseChecksumList(text);
    if (parsed.entries.length === 0) {
      throw new CodexError('E_CHECKSUM_LIST', `${list}: no properly formatted checksum lines`, {
        hint: 'give a file written by codex hash, sha256sum or b3sum: "<hex>  <path>" per line',
        exitCode: ExitCode.input,
      });
    }
    const sizes = await Promise.all(
      parsed.entries.map((entry) =>
        stat(entry.path).then(
          (info) => (info.isFile() ? info.size : -1),
          () => -1,
        ),
      ),
    );
    const total = sizes.reduce((sum, size) => sum + Math.max(0, size), 0);
    let base = 0;
    const files: CheckedFile[] = [];
    for (const [index, entry] of parsed.entries.entries()) {
      const size = sizes[index] ?? -1;
      const hasher =
        entry.algorithm === undefined || entry.algorithm === this.hasher.algorithm
          ? this.hasher
          : await this.backends.open('hasher', entry.algorithm, `${list}:${entry.line}`);
      const actual =
        size < 0
          ? null
          : await new ParallelFileHasher(hasher)
              .hashFiles([{path: entry.path, size}], {
                threads: options.threads,
                onProgress: (done) => options.onProgress?.(base + done, total),
              })
              .then(
                ([digest]) => digest?.hex ?? null,
                (error: unknown) => {
                  if (errnoCode(error) !== undefined || (error as {code?: string}).code === 'E_FILE') return null;
                  throw error;
                },
              );
      base += Math.max(0, size);
      const status = actual === null ? 'missing' : actual === entry.hex ? 'ok' : 'failed';
      files.push({path: entry.path, line: entry.line, expected: entry.hex, actual, status});
    }
    const failed = files.filter((file) => file.status === 'failed').length;
    const missing = files.filter((file) => file.status === 'missing').length;
    const {algorithm} = this.hasher;
    return {
      hasher: backendOf(this.hasher)?.backend.name ?? algorithm,
      algorithm,
      list,
      files,
      malformed: parsed.malformed,
      failed,
      missing,
      ok: failed === 0 && missing === 0,
    };
  }

  async hashPaths(inputs: readonly string[], options: HashPathsOptions = {}): Promise<HashResult> {
    const files = await listFiles(inputs);
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const digests = await new ParallelFileHasher(this.hasher).hashFiles(files, {
      threads: options.threads,
      onProgress: (done) => options.onProgress?.(done, total),
    });
    const {algorithm} = this.hasher;
    return {
      hasher: backendOf(this.hasher)?.backend.name ?? algorithm,
      algorithm,
      files: digests.map(({path, hex, bytes}) => ({path, bytes, hex, checksum: formatChecksum(algorithm, hex)})),
    };
  }
}
