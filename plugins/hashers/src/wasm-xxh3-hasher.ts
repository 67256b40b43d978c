import type {HashState, Hasher} from '@codex-ml/core';
import {type IHasher, createXXHash3} from 'hash-wasm';

/**
 * XXH3-64 through hash-wasm. Not cryptographic: detects accidental change only. Matches `xxhsum -H3`.
 *
 * hash-wasm instances are created asynchronously while `Hasher.create` is synchronous, so one instance
 * serves every state: each state keeps its own saved internal state and swaps it in around `update`.
 */
export class WasmXxh3Hasher implements Hasher {
  readonly algorithm = 'xxh3';
  readonly digestBytes = 8;
  readonly implementation = 'wasm (hash-wasm)';

  private constructor(private readonly engine: IHasher) {}

  static async create(): Promise<WasmXxh3Hasher> {
    return new WasmXxh3Hasher(await createXXHash3());
  }

  create(): HashState {
    let saved: Uint8Array | undefined = this.engine.init().save();
    return {
      update: (bytes) => {
        if (!saved) throw new Error('update() after digest() on an xxh3 state');
        saved = this.engine.load(saved).update(bytes).save();
      },
      digest: () => {
        if (!saved) throw new Error('digest() already called on this xxh3 state');
        const hex = this.engine.load(saved).digest('hex');
        saved = undefined;
        return hex;
      },
    };
  }
}
