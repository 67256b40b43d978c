import type {HashState, Hasher} from '@codex-ml/core';

/**
 * The sha512 hash algorithm. Checksums written with it read "sha512:<hex>".
 *
 * Fill in create(): keep the algorithm's running state in the closure, feed it in update() and finish it in
 * digest(). Never buffer the input: files arrive in 1 MiB chunks and may be many gigabytes long.
 */
export class Sha512Hasher implements Hasher {
  readonly algorithm = 'sha512';
  /** Length of the digest in bytes: set it to the algorithm's. */
  readonly digestBytes = 32;

  /** Entry point of the registered backend (see src/hooks/register.ts); called once per process. */
  static create(): Sha512Hasher {
    return new Sha512Hasher();
  }

  create(): HashState {
    let finished = false;
    return {
      update: (bytes) => {
        if (finished) throw new Error(FINISHED);
        // Fill in: feed `bytes` to the running state. The caller reuses the buffer once this returns.
        throw notImplemented(bytes.length);
      },
      digest: () => {
        if (finished) throw new Error(FINISHED);
        finished = true;
        // Fill in: finish the running state and return its digest as lowercase hex (digestBytes * 2 digits).
        throw notImplemented(0);
      },
    };
  }
}

const FINISHED = 'digest() was already called on this hash state';

function notImplemented(bytes: number): Error {
  return new Error(`Sha512Hasher is not implemented yet (${bytes} bytes): fill in create() in src/sha512-hasher.ts`);
}
