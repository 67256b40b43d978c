import {createHash} from 'node:crypto';
import type {HashState, Hasher} from '@codex-ml/core';

/** SHA-512 through node:crypto (OpenSSL); matches `sha512sum`. Checksums written with it read "sha512:<hex>". */
export class Sha512Hasher implements Hasher {
  readonly algorithm = 'sha512';
  readonly digestBytes = 64;

  /** Entry point of the registered backend (see src/hooks/register.ts); called once per process. */
  static create(): Sha512Hasher {
    return new Sha512Hasher();
  }

  create(): HashState {
    // node:crypto already throws on update() or digest() after digest().
    const hash = createHash('sha512');
    return {
      update: (bytes) => {
        hash.update(bytes);
      },
      digest: () => hash.digest('hex'),
    };
  }
}
