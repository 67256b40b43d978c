import {definePlugin} from '@codex-ml/core';

const here = (file: string) => new URL(`../${file}`, import.meta.url).href;

export default definePlugin((registry) => {
  registry.register('hasher', 'blake3', {
    description: 'BLAKE3, the default: native @napi-rs/blake-hash when it loads, else blake3-wasm (same digests)',
    module: here('blake3-hasher.js'),
    export: 'Blake3Hasher',
  });
  registry.register('hasher', 'blake3-wasm', {
    description: 'BLAKE3 (blake3-wasm only); writes blake3: checksums',
    module: here('wasm-blake3-hasher.js'),
    export: 'WasmBlake3Hasher',
  });
  registry.register('hasher', 'sha256', {
    description: 'SHA-256 (node:crypto / OpenSSL)',
    module: here('sha256-hasher.js'),
    export: 'Sha256Hasher',
  });
  registry.register('hasher', 'xxh3', {
    description: 'XXH3-64, fast, not cryptographic: native @node-rs/xxhash when it loads, else hash-wasm (same digests)',
    module: here('xxh3-hasher.js'),
    export: 'Xxh3Hasher',
  });
  registry.register('hasher', 'xxh3-wasm', {
    description: 'XXH3-64 (hash-wasm only); writes xxh3: checksums',
    module: here('wasm-xxh3-hasher.js'),
    export: 'WasmXxh3Hasher',
  });
  registry.register('hasher', 'blake3-native', {
    description: 'BLAKE3 (native @napi-rs/blake-hash, optional); writes blake3: checksums',
    module: here('native-blake3-hasher.js'),
    export: 'NativeBlake3Hasher',
  });
  registry.register('hasher', 'xxh3-native', {
    description: 'XXH3-64 (native @node-rs/xxhash, optional); writes xxh3: checksums',
    module: here('native-xxh3-hasher.js'),
    export: 'NativeXxh3Hasher',
  });
});
