import {createHash} from 'node:crypto';
import type {HashState, Hasher} from '@codex-ml/core';

/** SHA-256 through node:crypto (OpenSSL): the portable choice, matches `sha256sum`. */
export class Sha256Hasher implements Hasher {
  readonly algorithm = 'sha256';
  readonly digestBytes = 32;
  readonly implementation = 'native (node:crypto, OpenSSL)';

  static create(): Sha256Hasher {
    return new Sha256Hasher();
  }

  create(): HashState {
    const hash = createHash('sha256');
    return {
      update: (bytes) => {
        hash.update(bytes);
      },
      digest: () => hash.digest('hex'),
    };
  }
}
