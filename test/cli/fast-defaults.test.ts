import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runCli, tempDir} from '../helpers/run-cli.js';

interface BackendsJson {
  readonly hasher: ReadonlyArray<{name: string; selected: boolean; implementation: string | null}>;
}

/** A preload that makes the native hashing addons fail to load, as on a machine without a prebuilt binary. */
const BLOCK_NATIVE = `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@napi-rs/blake-hash' || request === '@node-rs/xxhash') throw Object.assign(new Error('Cannot find module ' + request), {code: 'MODULE_NOT_FOUND'});
  return resolve.call(this, request, ...rest);
};
`;

test('blake3 and xxh3 run native where the addon loads and WASM where it does not, with the same digests', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  await writeFile(join(dir.path, 'block-native.cjs'), BLOCK_NATIVE);
  await writeFile(join(dir.path, 'data.bin'), Buffer.alloc(3 << 20, 42));
  const implementations = async (env: Record<string, string>) => {
    const result = await runCli(['backends', '--json'], {cwd: dir.path, env});
    t.is(result.code, 0, result.stderr);
    const rows = (JSON.parse(result.stdout) as BackendsJson).hasher;
    return Object.fromEntries(rows.map((row) => [row.name, row.implementation]));
  };
  const blocked = {NODE_OPTIONS: `--require ${join(dir.path, 'block-native.cjs')}`};
  t.like(await implementations({}), {blake3: 'native (@napi-rs/blake-hash)', xxh3: 'native (@node-rs/xxhash)'});
  const fallback = await implementations(blocked);
  t.like(fallback, {blake3: 'wasm (blake3-wasm)', xxh3: 'wasm (hash-wasm)'});
  t.regex(fallback['blake3-native'] ?? '', /^unavailable: .*needs the native package @napi-rs\/blake-hash/);

  for (const hasher of ['blake3', 'xxh3']) {
    const native = await runCli(['hash', 'data.bin', '--hasher', hasher], {cwd: dir.path});
    const wasm = await runCli(['hash', 'data.bin', '--hasher', hasher], {cwd: dir.path, env: blocked});
    const explicit = await runCli(['hash', 'data.bin', '--hasher', `${hasher}-wasm`], {cwd: dir.path});
    t.is(native.code, 0, native.stderr);
    t.is(wasm.stdout, native.stdout, hasher);
    t.is(explicit.stdout, native.stdout, `${hasher}-wasm`);
  }
  const defaults = JSON.parse((await runCli(['backends', '--json'], {cwd: dir.path})).stdout) as BackendsJson;
  t.deepEqual(
    defaults.hasher.filter((row) => row.selected).map((row) => row.name),
    ['blake3'],
  );
});
