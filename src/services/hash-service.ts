import {inject, injectable} from 'tsyringe';
import {type Checksum, Hasher, ParallelFileHasher, type RegisteredBackend, formatChecksum} from '@codex-ml/core';
import {listFiles} from './file-listing.js';

export interface HashedFile {
  readonly path: string;
  readonly bytes: number;
  readonly checksum: Checksum;
  readonly hex: string;
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

  async hashPaths(inputs: readonly string[], backend: RegisteredBackend<'hasher'>, options: HashPathsOptions = {}): Promise<HashedFile[]> {
    const files = await listFiles(inputs);
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const digests = await new ParallelFileHasher(this.hasher, backend).hashFiles(files, {
      threads: options.threads,
      onProgress: (done) => options.onProgress?.(done, total),
    });
    return digests.map(({path, hex, bytes}) => ({path, bytes, hex, checksum: formatChecksum(this.hasher.algorithm, hex)}));
  }
}
