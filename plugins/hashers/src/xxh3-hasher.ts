import type {Hasher} from '@codex-ml/core';
import {NativeXxh3Hasher} from './native-xxh3-hasher.js';

/** `xxh3`: the native addon when it loads, else the WASM build; the same digests either way (see `Blake3Hasher`). */
export const Xxh3Hasher = {
  async create(): Promise<Hasher> {
    return await NativeXxh3Hasher.create().catch(async () => (await import('./wasm-xxh3-hasher.js')).WasmXxh3Hasher.create());
  },
};
