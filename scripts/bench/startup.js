// npm run bench:startup — whole-process start-up of `codex --version` and `codex --help` (target: < 250 ms each,
// best of 5), beside `node -e 0` (the floor every Node CLI pays). CPU seconds (user + system, from GNU time) are
// printed beside wall seconds: on a shared machine they are the steadier figure.
import {spawnSync} from 'node:child_process';
import {join, resolve} from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin', 'run.js');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const target = 0.25;

function time(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], {stdio: ['ignore', 'ignore', 'pipe']});
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr.toString().slice(-500)}`);
  const [user, system] = (result.stderr.toString().trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return {seconds, cpu: user + system};
}

function best(args) {
  const all = Array.from({length: runs}, () => time(args));
  return {wall: Math.min(...all.map((m) => m.seconds)), cpu: Math.min(...all.map((m) => m.cpu))};
}

console.log(`# bench:startup  node ${process.version}, best of ${runs} (wall and CPU each the least of the runs)`);
const rows = [
  ['node -e 0 (floor)', ['-e', '0'], false],
  ['codex --version', [cli, '--version'], true],
  ['codex --help', [cli, '--help'], true],
];
let failed = false;
for (const [label, args, checked] of rows) {
  const m = best(args);
  const verdict = checked ? (m.wall < target ? `  < ${target * 1000} ms: yes` : `  < ${target * 1000} ms: NO`) : '';
  if (checked && m.wall >= target) failed = true;
  console.log(
    `  ${label.padEnd(20)} ${(m.wall * 1000).toFixed(0).padStart(5)} ms wall  ${(m.cpu * 1000).toFixed(0).padStart(5)} ms cpu${verdict}`,
  );
}
if (failed) console.log('(on a busy machine wall time includes waiting for a core: compare the cpu column, or rerun when idle)');
