export {Blake3Hasher} from './blake3-hasher.js';
export {WasmBlake3Hasher} from './wasm-blake3-hasher.js';
export {WasmXxh3Hasher} from './wasm-xxh3-hasher.js';
export {NativeBlake3Hasher} from './native-blake3-hasher.js';
export {NativeXxh3Hasher} from './native-xxh3-hasher.js';
export {Sha256Hasher} from './sha256-hasher.js';
export {Xxh3Hasher} from './xxh3-hasher.js';
