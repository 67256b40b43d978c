// npm run bench:hash — each hasher beside its native tool, whole processes, in one run.
// (a) one large file (BENCH_HASH_MB, default 2048) and the start-up inside its figures, (b) BENCH_HASH_FILES files
// of 100 KB (default 5,000; 0 skips it), (c) CLI start-up.
// Files live in a temp dir and are read once before timing so every tool sees a warm page cache.
import {execFileSync, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin', 'run.js');
const bigMb = Number(process.env.BENCH_HASH_MB ?? 2048);
const fileCount = Number(process.env.BENCH_HASH_FILES ?? 5000);
const work = mkdtempSync(join(tmpdir(), 'codex-bench-hash-'));

/** Wall seconds and CPU seconds (user + system, from GNU time) of one whole process. */
function time(command, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', command, ...args], {stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26});
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = result.stderr.toString();
  if (result.status !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed: ${stderr.slice(-500)}`);
  const [user, system] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return {seconds, cpu: user + system};
}

/** Best of `runs` by wall time: the least disturbed measurement on a shared machine. */
function best(command, args, runs = 3) {
  return Array.from({length: runs}, () => time(command, args)).reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function writeBigFile(path, megabytes) {
  const block = randomBytes(64 << 20);
  const handle = openSync(path, 'w');
  for (let written = 0; written < megabytes; written += 64) writeSync(handle, block, 0, Math.min(64, megabytes - written) << 20);
  closeSync(handle);
}

// CPU seconds are printed beside wall seconds: on a shared machine they are the steadier figure.
function row(label, m, bytes, baseline) {
  const rate = bytes / m.seconds / 1e6;
  const ratio = baseline ? `${(m.seconds / baseline.seconds).toFixed(2)}×` : '';
  const cpuRatio = baseline ? `${(m.cpu / baseline.cpu).toFixed(2)}× cpu` : '';
  console.log(
    `  ${label.padEnd(44)} ${m.seconds.toFixed(3).padStart(8)} s ${rate.toFixed(0).padStart(6)} MB/s  ${ratio.padStart(6)}  ${m.cpu.toFixed(2).padStart(6)} cpu s  ${cpuRatio}`,
  );
}

/** (b): many small files, hashed on both cores, beside b3sum's default threads. */
function manyFiles() {
  console.log(`\n(b) ${fileCount} files of 100 KB — ratio = codex time / b3sum time`);
  const tree = join(work, 'tree');
  const files = [];
  for (let i = 0; i < fileCount; i++) {
    const directory = join(tree, String(i % 50).padStart(2, '0'));
    if (i < 50) mkdirSync(directory, {recursive: true});
    const path = join(directory, `f${i}.bin`);
    const handle = openSync(path, 'w');
    writeSync(handle, randomBytes(100 * 1024));
    closeSync(handle);
    files.push(path);
  }
  const treeBytes = fileCount * 100 * 1024;
  time('cat', files);
  const b3 = best('b3sum', files);
  row('b3sum (default threads)', b3, treeBytes);
  for (const hasher of ['blake3', 'blake3-wasm', 'sha256', 'xxh3']) {
    row(`codex hash --hasher ${hasher} (both cores)`, best(process.execPath, [cli, 'hash', tree, '--hasher', hasher]), treeBytes, b3);
  }
}

try {
  console.log(`# bench:hash  node ${process.version}, ${execFileSync('nproc').toString().trim()} cores`);
  const big = join(work, 'big.bin');
  writeBigFile(big, bigMb);
  const bigBytes = bigMb * 1024 * 1024;
  time('cat', [big]);
  console.log(`\n(a) one ${bigMb} MB file — ratio = codex time / native time`);
  // blake3 and xxh3 are the defaults (native addon when it loads, else WASM; targets 1.5× and 2×); the -wasm
  // names measure the fallback alone.
  const pairs = [
    ['sha256', 'sha256sum', [big]],
    ['blake3', 'b3sum', ['--num-threads', '1', big]],
    ['blake3-wasm', 'b3sum', ['--num-threads', '1', big]],
    ['xxh3', 'xxhsum', ['-H3', big]],
    ['xxh3-wasm', 'xxhsum', ['-H3', big]],
  ];
  for (const [hasher, tool, args] of pairs) {
    const native = best(tool, args);
    const ours = best(process.execPath, [cli, 'hash', big, '--hasher', hasher]);
    row(`${tool} ${args.slice(0, -1).join(' ')}`.trim(), native, bigBytes);
    row(`codex hash --hasher ${hasher}`, ours, bigBytes, native);
  }
  rmSync(big);
  // The fixed cost inside each codex figure above: the same command on an empty file (Node, oclif, config,
  // plugins, the backend), beside the native tool's.
  const empty = join(work, 'empty.bin');
  closeSync(openSync(empty, 'w'));
  const startup = best(process.execPath, [cli, 'hash', empty], 5);
  const b3Startup = best('b3sum', ['--num-threads', '1', empty], 5);
  console.log(
    `  start-up (an empty file): codex hash ${(startup.seconds * 1000).toFixed(0)} ms, b3sum ${(b3Startup.seconds * 1000).toFixed(0)} ms`,
  );

  if (fileCount > 0) manyFiles();

  console.log('\n(c) start-up, best of 5 (target < 250 ms; npm run bench:startup measures it alone)');
  for (const args of [['--version'], ['--help']]) {
    const m = best(process.execPath, [cli, ...args], 5);
    console.log(
      `  codex ${args.join(' ').padEnd(38)} ${(m.seconds * 1000).toFixed(0).padStart(8)} ms  ${(m.cpu * 1000).toFixed(0).padStart(6)} cpu ms`,
    );
  }
} finally {
  rmSync(work, {recursive: true, force: true});
}
