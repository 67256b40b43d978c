import type {Hasher} from '@codex-ml/core';
import {NativeBlake3Hasher} from './native-blake3-hasher.js';

/**
 * `blake3`, the default hasher: the native addon (SIMD, several times faster) when it loads on this machine,
 * else the WASM build. Both give the same digests, so checksums never depend on which one ran; `codex
 * backends` says which. Worker threads choose the same way. The WASM build is imported only when it is needed:
 * compiling it costs every `codex hash` a noticeable part of its start-up.
 */
export const Blake3Hasher = {
  async create(): Promise<Hasher> {
    return await NativeBlake3Hasher.create().catch(async () => (await import('./wasm-blake3-hasher.js')).WasmBlake3Hasher.create());
  },
};
