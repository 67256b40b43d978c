import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {chmod, mkdir, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {cliPath, isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';

interface HashJson {
  hasher: string;
  algorithm: string;
  files: Array<{path: string; hex: string; checksum: string; bytes: number}>;
}

/** A small tree with awkward names and sizes (empty, odd lengths, a nested directory, a multi-chunk file). */
async function fixtureTree(): Promise<{root: string; cleanup: () => Promise<void>}> {
  const dir = await tempDir();
  const root = join(dir.path, 'tree');
  await mkdir(join(root, 'nested', 'deeper'), {recursive: true});
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, 'b.txt'), 'hello\n');
  await writeFile(join(root, 'A upper.txt'), 'x'.repeat(1025));
  await writeFile(join(root, 'nested', 'z.bin'), randomBytes(3 * 1024 * 1024 + 7));
  await writeFile(join(root, 'nested', 'deeper', 'ü.txt'), 'unicode name');
  return {root, cleanup: dir.cleanup};
}

/** `<hex>  <path>` lines from a native tool, as path → hex. */
function nativeDigests(command: string, args: string[], files: string[]): Map<string, string> {
  const output = execFileSync(command, [...args, ...files], {encoding: 'utf8'});
  const digests = new Map<string, string>();
  for (const line of output.trim().split('\n')) {
    const bsd = /^XXH3 \((.*)\) = ([0-9a-f]+)$/.exec(line);
    if (bsd?.[1] && bsd[2]) digests.set(bsd[1], bsd[2]);
    else {
      const match = /^([0-9a-f]+) {2}(.*)$/.exec(line);
      if (match?.[1] && match[2]) digests.set(match[2], match[1]);
    }
  }
  return digests;
}

const natives: Array<[string, string, string[]]> = [
  ['sha256', 'sha256sum', []],
  ['blake3', 'b3sum', []],
  ['blake3-native', 'b3sum', []],
  ['xxh3', 'xxhsum', ['-H3']],
  ['xxh3-native', 'xxhsum', ['-H3']],
];

for (const [hasher, tool, toolArgs] of natives) {
  test(`codex hash --hasher ${hasher} matches ${tool} on every file of a tree`, async (t) => {
    const tree = await fixtureTree();
    t.teardown(tree.cleanup);
    const result = await runCli(['hash', tree.root, '--hasher', hasher, '--json']);
    t.is(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as HashJson;
    t.is(json.files.length, 5);
    const paths = json.files.map((file) => file.path);
    const reference = nativeDigests(tool, toolArgs, paths);
    for (const file of json.files) {
      t.is(reference.get(file.path), file.hex, `${hasher} vs ${tool} on ${file.path}`);
      t.is(file.checksum, `${json.algorithm}:${file.hex}`);
    }
  });
}

test('a file of more streamed chunks than there are reads in flight hashes as b3sum and xxhsum do', async (t) => {
  // 8 MiB reads, three in flight: 4 whole chunks and a partial one make the ring of buffers wrap.
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const path = join(dir.path, 'big.bin');
  await writeFile(path, randomBytes((33 << 20) + 12_345));
  for (const [hasher, tool, toolArgs] of [
    ['blake3', 'b3sum', []],
    ['xxh3', 'xxhsum', ['-H3']],
  ] as const) {
    const result = await runCli(['hash', path, '--hasher', hasher, '--json']);
    t.is(result.code, 0, result.stderr);
    const [file] = (JSON.parse(result.stdout) as HashJson).files;
    t.is(file?.bytes, (33 << 20) + 12_345);
    t.is(file?.hex, nativeDigests(tool, [...toolArgs], [path]).get(path), `${hasher} vs ${tool}`);
  }
});

test('codex hash prints b3sum-style lines in a stable, sorted order', async (t) => {
  const tree = await fixtureTree();
  t.teardown(tree.cleanup);
  const result = await runCli(['hash', tree.root]);
  t.is(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  const paths = lines.map((line) => line.slice(66));
  t.deepEqual(
    paths.map((path) => path.slice(tree.root.length + 1)),
    ['A upper.txt', 'b.txt', 'empty.txt', 'nested/deeper/ü.txt', 'nested/z.bin'],
  );
  const b3 = execFileSync('b3sum', paths, {encoding: 'utf8'}).trim().split('\n');
  t.deepEqual(lines, b3);
});

test('many files above the parallel threshold hash on worker threads with identical results', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const files: string[] = [];
  for (let i = 0; i < 40; i++) {
    const path = join(dir.path, `part-${String(i).padStart(2, '0')}.bin`);
    await writeFile(path, randomBytes(2 * 1024 * 1024 + i));
    files.push(path);
  }
  const parallel = await runCli(['hash', dir.path, '--json', '--threads', '2']);
  const sequential = await runCli(['hash', dir.path, '--json', '--threads', '1']);
  t.is(parallel.code, 0, parallel.stderr);
  t.deepEqual((JSON.parse(parallel.stdout) as HashJson).files, (JSON.parse(sequential.stdout) as HashJson).files);
  const reference = nativeDigests('b3sum', [], files);
  for (const file of (JSON.parse(parallel.stdout) as HashJson).files) t.is(reference.get(file.path), file.hex);
});

test('the hasher is chosen by YAML, then env, then --set', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const file = join(dir.path, 'f.txt');
  const config = join(dir.path, 'codex.yaml');
  await writeFile(file, 'swap me');
  await writeFile(config, 'hasher: sha256\n');
  const algorithm = async (args: string[], env: Record<string, string> = {}) => {
    const result = await runCli(['hash', file, '--json', ...args], {env});
    t.is(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as HashJson).files[0]?.checksum.split(':')[0];
  };
  t.is(await algorithm([]), 'blake3');
  t.is(await algorithm(['--config', config]), 'sha256');
  t.is(await algorithm(['--config', config], {CODEX_HASHER: 'xxh3'}), 'xxh3');
  t.is(await algorithm(['--config', config, '--set', 'hasher=blake3'], {CODEX_HASHER: 'xxh3'}), 'blake3');
});

test('an unknown hasher fails with the registered names and the plugin command', async (t) => {
  const result = await runCli(['hash', 'package.json', '--set', 'hasher=md5']);
  t.is(result.code, 3);
  t.true(isOneLineError(result.stderr), result.stderr);
  t.regex(
    result.stderr,
    /hasher \(from --set\): unknown hasher backend "md5"; registered: blake3, blake3-native, blake3-wasm, sha256, xxh3, xxh3-native, xxh3-wasm/,
  );
  t.regex(result.stderr, /codex plugins:install/);
  const json = await runCli(['hash', 'package.json', '--set', 'hasher=md5', '--json']);
  t.is(json.code, 3);
  t.is((JSON.parse(json.stdout) as {error: {code: string}}).error.code, 'E_UNKNOWN_BACKEND');
});

test('bad inputs give one line, a non-zero exit and no stack trace', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const locked = join(dir.path, 'locked');
  await mkdir(locked);
  await writeFile(join(locked, 'secret.txt'), 'x');
  await chmod(locked, 0o000);
  t.teardown(() => chmod(locked, 0o755));
  const fifo = join(dir.path, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const dangling = join(dir.path, 'dangling');
  await symlink(join(dir.path, 'nowhere'), dangling);
  const badYaml = join(dir.path, 'bad.yaml');
  await writeFile(badYaml, 'hasher: [oops\n');
  const wrongType = join(dir.path, 'wrong.yaml');
  await writeFile(wrongType, 'data:\n  seed: many\n');

  const cases: Array<[string[], RegExp]> = [
    [['hash', join(dir.path, 'missing.txt')], /cannot read .*missing\.txt: does not exist/],
    [['hash', fifo], /cannot hash .*pipe: it is a FIFO/],
    [['hash', dangling], /cannot read .*dangling: dangling symbolic link/],
    [['hash', 'package.json', '--config', badYaml], /bad\.yaml:\d+:\d+: invalid YAML: Flow sequence/],
    [['hash', 'package.json', '--config', wrongType], /wrong\.yaml: data\.seed: must be an integer/],
  ];
  // Root ignores directory permissions, so the permission case only means something for other users.
  if (process.getuid?.() !== 0) cases.push([['hash', locked], /cannot list directory .*locked: permission denied/]);
  for (const [args, expected] of cases) {
    const result = await runCli(args);
    t.not(result.code, 0, args.join(' '));
    t.regex(result.stderr, expected);
    t.true(isOneLineError(result.stderr), result.stderr);
    t.is(result.stdout, '');
  }
});

test('a directory without read permission is refused for an unprivileged user', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const locked = join(dir.path, 'locked');
  await mkdir(locked);
  await writeFile(join(locked, 'secret.txt'), 'x');
  await chmod(locked, 0o000);
  t.teardown(() => chmod(locked, 0o755));
  // As root, permissions apply once the capabilities that bypass them are dropped. The process stays the owner
  // of the checkout, so this holds wherever the checkout is (a mode-700 clone included), unlike switching user.
  const asRoot = process.getuid?.() === 0;
  const {spawnSync} = await import('node:child_process');
  const args = [cliPath, 'hash', locked];
  const result = asRoot
    ? spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, ...args], {encoding: 'utf8'})
    : spawnSync(process.execPath, args, {encoding: 'utf8'});
  t.not(result.status, 0, result.stderr);
  t.regex(result.stderr, /cannot list directory .*locked: permission denied/);
  t.true(isOneLineError(result.stderr), result.stderr);
});
