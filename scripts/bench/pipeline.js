// npm run bench:pipeline — wall time of each stage of the default pipeline (configs/pipeline.yaml) in a fresh
// working directory, then of the fully cached re-run (target: < 5% of the first), then `runs:list` over
// 10,000 runs on both manifest stores (scripts/bench/runs.js). BENCH_PIPELINE_SETS adds --set overrides,
// e.g. BENCH_PIPELINE_SETS="training.steps=50" for a quick look.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin', 'run.js');
const work = mkdtempSync(join(tmpdir(), 'codex-bench-pipeline-'));
const sets = (process.env.BENCH_PIPELINE_SETS ?? '')
  .split(/\s+/)
  .filter(Boolean)
  .flatMap((set) => ['--set', set]);

function pipeline() {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, 'pipeline', '--config', join(root, 'configs', 'pipeline.yaml'), '--json', ...sets], {
    cwd: work,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`pipeline failed: ${result.stdout}`);
  return {seconds, result: JSON.parse(result.stdout)};
}

try {
  console.log(`# bench:pipeline  node ${process.version}${sets.length ? `  ${sets.join(' ')}` : ''}`);
  const first = pipeline();
  const second = pipeline();
  console.log('\nstage       first run          cached re-run');
  for (const stage of first.result.stages) {
    const again = second.result.stages.find((other) => other.stage === stage.stage);
    const state = again?.cached ? 'cached' : 'ran';
    console.log(
      `  ${stage.stage.padEnd(9)} ${stage.seconds.toFixed(1).padStart(8)} s   ${(again?.seconds ?? 0).toFixed(2).padStart(8)} s ${state}`,
    );
  }
  console.log(`  ${'total'.padEnd(9)} ${first.seconds.toFixed(1).padStart(8)} s   ${second.seconds.toFixed(2).padStart(8)} s`);
  console.log(`\ncached re-run / first run: ${((100 * second.seconds) / first.seconds).toFixed(2)}% (target < 5%)`);
} finally {
  rmSync(work, {recursive: true, force: true});
}

console.log('\nruns:list over 10,000 runs');
const runs = spawnSync(process.execPath, [join(root, 'scripts', 'bench', 'runs.js')], {stdio: 'inherit'});
process.exitCode = runs.status ?? 1;
