import type {HashState, Hasher} from '@codex-ml/core';
import {FINISHED, loadOptional} from './native-blake3-hasher.js';

interface NativeXxh3 {
  update(input: Uint8Array): unknown;
  digest(): bigint;
}

interface XxhashModule {
  xxh3: {Xxh3: {withSeed(seed?: bigint): NativeXxh3}};
}

/** XXH3-64 through the native `@node-rs/xxhash` addon; same digests as `xxh3`, faster. */
export class NativeXxh3Hasher implements Hasher {
  readonly algorithm = 'xxh3';
  readonly digestBytes = 8;
  readonly implementation = 'native (@node-rs/xxhash)';

  private constructor(private readonly module: XxhashModule) {}

  static async create(): Promise<NativeXxh3Hasher> {
    return new NativeXxh3Hasher(await loadOptional<XxhashModule>('@node-rs/xxhash', 'xxh3-native'));
  }

  create(): HashState {
    const hash = this.module.xxh3.Xxh3.withSeed();
    // The native object would keep accepting input after digest(); the contract says a finished state throws.
    let finished = false;
    return {
      update: (bytes) => {
        if (finished) throw new Error(FINISHED);
        hash.update(bytes);
      },
      // Canonical form is big-endian, 16 hex digits: keep leading zeros.
      digest: () => {
        if (finished) throw new Error(FINISHED);
        finished = true;
        return hash.digest().toString(16).padStart(16, '0');
      },
    };
  }
}
