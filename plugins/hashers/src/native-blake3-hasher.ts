import {createRequire} from 'node:module';
import type {HashState, Hasher} from '@codex-ml/core';

interface NativeBlake3 {
  update(input: Uint8Array): unknown;
  digest(format: 'hex'): string;
}

/** BLAKE3 through the native `@napi-rs/blake-hash` addon (SIMD); same digests as `blake3`, faster. */
export class NativeBlake3Hasher implements Hasher {
  readonly algorithm = 'blake3';
  readonly digestBytes = 32;
  readonly implementation = 'native (@napi-rs/blake-hash)';

  private constructor(private readonly Native: new () => NativeBlake3) {}

  static async create(): Promise<NativeBlake3Hasher> {
    return new NativeBlake3Hasher(
      (await loadOptional<{Blake3Hasher: new () => NativeBlake3}>('@napi-rs/blake-hash', 'blake3-native')).Blake3Hasher,
    );
  }

  create(): HashState {
    const hash = new this.Native();
    // The native object would keep accepting input after digest(); the contract says a finished state throws.
    let finished = false;
    return {
      update: (bytes) => {
        if (finished) throw new Error(FINISHED);
        hash.update(bytes);
      },
      digest: () => {
        if (finished) throw new Error(FINISHED);
        finished = true;
        return hash.digest('hex');
      },
    };
  }
}

/** Message of the error a finished hash state throws. */
export const FINISHED = 'digest() was already called on this hash state';

/** Loads an optional native dependency, or explains how to get it. */
export async function loadOptional<T>(name: string, backend: string): Promise<T> {
  try {
    return createRequire(import.meta.url)(name) as T;
  } catch (error) {
    // Core is imported for this error only: every hashing worker loads this module, and the core index
    // (config, DI container, semver) would cost each worker more than hashing a few hundred files.
    const {CodexError, ExitCode} = await import('@codex-ml/core');
    throw new CodexError('E_BACKEND_UNAVAILABLE', `hasher "${backend}" needs the native package ${name}, which is not installed`, {
      hint: `npm install ${name}, or choose another hasher (--set hasher=blake3)`,
      exitCode: ExitCode.plugin,
      cause: error,
    });
  }
}
