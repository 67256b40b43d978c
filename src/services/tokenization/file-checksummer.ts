import {
  type Checksum,
  CodexError,
  ExitCode,
  type FileToHash,
  type Hasher,
  ParallelFileHasher,
  type RegisteredBackend,
  type Registry,
  formatChecksum,
  instantiateBackend,
} from '@codex-ml/core';

export interface ChecksummedFile {
  readonly path: string;
  readonly bytes: number;
  readonly checksum: Checksum;
}

/**
 * Checksums files with a named algorithm: the bound hasher when it is that algorithm, otherwise the registered
 * hasher backend of that name. Verification must use the algorithm that wrote a checksum, which need not be
 * the one configured today.
 */
export class FileChecksummer {
  readonly #hashers = new Map<string, {hasher: Hasher; backend: RegisteredBackend<'hasher'>}>();

  constructor(
    private readonly registry: Registry,
    bound: {readonly hasher: Hasher; readonly backend: RegisteredBackend<'hasher'>},
  ) {
    this.#hashers.set(bound.hasher.algorithm, bound);
  }

  /** The hasher writing new checksums (the configured one). */
  get defaultAlgorithm(): string {
    return [...this.#hashers.keys()][0] as string;
  }

  async hasherFor(algorithm: string): Promise<Hasher> {
    return (await this.#resolve(algorithm)).hasher;
  }

  /** Checksums in input order; `onProgress` gets bytes done. */
  async checksum(files: readonly FileToHash[], algorithm: string, onProgress?: (bytes: number) => void): Promise<ChecksummedFile[]> {
    const {hasher, backend} = await this.#resolve(algorithm);
    const digests = await new ParallelFileHasher(hasher, backend).hashFiles(files, {onProgress});
    return digests.map(({path, hex, bytes}) => ({path, bytes, checksum: formatChecksum(hasher.algorithm, hex)}));
  }

  async #resolve(algorithm: string): Promise<{hasher: Hasher; backend: RegisteredBackend<'hasher'>}> {
    const known = this.#hashers.get(algorithm);
    if (known) return known;
    const backend = this.registry.get('hasher', algorithm);
    if (!backend) {
      throw new CodexError('E_HASHER', `no hasher backend verifies "${algorithm}:" checksums`, {
        hint: `install a plugin that registers hasher "${algorithm}" (codex backends lists them)`,
        exitCode: ExitCode.config,
      });
    }
    const hasher = await instantiateBackend(backend);
    this.#hashers.set(algorithm, {hasher, backend});
    return {hasher, backend};
  }
}
