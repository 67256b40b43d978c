import {inject, injectable} from 'tsyringe';
import {type Artifact, Hasher, ParallelFileHasher, backendOf, formatChecksum} from '@codex-ml/core';
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

/** Checksums of files and directory trees with the bound hasher. */
@injectable()
export class HashService {
  constructor(@inject(Hasher) private readonly hasher: Hasher) {}

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
