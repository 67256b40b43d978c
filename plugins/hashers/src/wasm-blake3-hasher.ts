import type {HashState, Hasher} from '@codex-ml/core';
import blake3 from 'blake3-wasm';

/** BLAKE3 through blake3-wasm: no native build needed, what `blake3` falls back to. Matches `b3sum`. */
export class WasmBlake3Hasher implements Hasher {
  readonly algorithm = 'blake3';
  readonly digestBytes = 32;
  readonly implementation = 'wasm (blake3-wasm)';

  static create(): WasmBlake3Hasher {
    return new WasmBlake3Hasher();
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
