import type {HashState, Hasher} from '@codex-ml/core';
import blake3 from 'blake3-wasm';

/** BLAKE3 through blake3-wasm: the default hasher, no native build needed. Matches `b3sum`. */
export class Blake3Hasher implements Hasher {
  readonly algorithm = 'blake3';
  readonly digestBytes = 32;

  static create(): Blake3Hasher {
    return new Blake3Hasher();
  }

  create(): HashState {
    const hash = blake3.createHash();
    let done = false;
    return {
      update: (bytes) => {
        hash.update(bytes);
      },
      digest: () => {
        if (done) throw new Error('digest() already called on this BLAKE3 state');
        done = true;
        const hex = hash.digest('hex');
        // blake3-wasm keeps WASM memory per state until disposed.
        hash.dispose();
        return hex;
      },
    };
  }
}
