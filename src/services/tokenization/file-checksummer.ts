import {Backends, CodexError, ExitCode, type FileToHash, Hasher, ParallelFileHasher, formatChecksum, type Artifact} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';

/**
 * Checksums files with a named algorithm: the bound hasher when it is that algorithm, otherwise the registered
 * hasher backend of that name (through `Backends`). Verification must use the algorithm that wrote a checksum,
 * which need not be the one configured today.
 */
@injectable()
export class FileChecksummer {
  constructor(
    @inject(Hasher) private readonly hasher: Hasher,
    @inject(Backends) private readonly backends: Backends,
  ) {}

  /** The hasher writing new checksums (the configured one). */
  get defaultAlgorithm(): string {
    return this.hasher.algorithm;
  }

  async hasherFor(algorithm: string): Promise<Hasher> {
    if (algorithm === this.hasher.algorithm) return this.hasher;
    if (!this.backends.names('hasher').includes(algorithm)) {
      throw new CodexError('E_HASHER', `no hasher backend verifies "${algorithm}:" checksums`, {
        hint: `install a plugin that registers hasher "${algorithm}" (codex backends lists them)`,
        exitCode: ExitCode.config,
      });
    }
    return await this.backends.open('hasher', algorithm, `"${algorithm}:" checksums`);
  }

  /** Checksums in input order; `onProgress` gets bytes done. */
  async checksum(files: readonly FileToHash[], algorithm: string, onProgress?: (bytes: number) => void): Promise<Artifact[]> {
    const hasher = await this.hasherFor(algorithm);
    const digests = await new ParallelFileHasher(hasher).hashFiles(files, {onProgress});
    return digests.map(({path, hex, bytes}) => ({path, bytes, checksum: formatChecksum(hasher.algorithm, hex)}));
  }
}
