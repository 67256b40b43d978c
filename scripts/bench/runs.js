// npm run bench:runs — `runs:list` over BENCH_RUNS (default 10,000) runs on the fs and the sqlite manifest stores.
// Each store is filled in-process (puts/s reported), then listed in-process (store.list, best of 5) and through
// the real CLI (`codex runs:list --json`, whole process, best of 3): all runs, and the indexed filters
// (--kind, --parent, --dataset). Runs form lineages like the pipeline's: data → tokenizer → training.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {newRunId, runIdTime} from '@codex-ml/core';
import {FsManifestStore} from '@codex-ml/plugin-manifest-stores';
import {SqliteManifestStore} from '@codex-ml/plugin-sqlite-store';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin', 'run.js');
const total = Number(process.env.BENCH_RUNS ?? 10_000);
const stores = (process.env.BENCH_STORES ?? 'fs,sqlite').split(',');

/** Lineages of three runs; every 50th data run starts a new dataset id. */
function* manifests() {
  for (let index = 0; index * 3 < total; index++) {
    const datasetId = `dataset-${Math.floor(index / 50)}`;
    const header = (kind, parents) => {
      const runId = newRunId();
      return {schemaVersion: 1, kind, runId, parents, createdAt: runIdTime(runId).toISOString()};
    };
    const artifact = (path) => ({path, checksum: `blake3:${'0'.repeat(64)}`, bytes: 1024});
    const data = {
      ...header('data', []),
      datasetId,
      seed: index,
      counts: {train: 400, val: 50, test: 50},
      artifacts: [artifact('splits/train.jsonl')],
    };
    const tokenizer = {
      ...header('tokenizer', [data.runId]),
      datasetIds: [datasetId],
      vocabSize: 8000,
      artifacts: [artifact('tokenizer.json')],
    };
    const training = {
      ...header('training', [data.runId, tokenizer.runId].sort()),
      datasetIds: [datasetId],
      steps: 1000,
      finalLoss: 2.5,
      artifacts: [artifact('metrics.ndjson'), artifact('checkpoints/step-001000/weights.bin')],
    };
    for (const manifest of [data, tokenizer, training].slice(0, Math.min(3, total - index * 3))) yield manifest;
  }
}

function cliSeconds(args, cwd, env, attempts = 3) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    env: {...process.env, ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    // On a work tree where the build is being rerun, a module can be caught half-written; measure again.
    if (attempts > 1) {
      console.error(`  (codex ${args.join(' ')} failed, retrying: ${String(result.stderr).trim().split('\n')[0]})`);
      return cliSeconds(args, cwd, env, attempts - 1);
    }
    throw new Error(`codex ${args.join(' ')} failed: ${result.stderr}`);
  }
  return {seconds, count: JSON.parse(result.stdout).runs.length};
}

async function bestOf(runs, body) {
  let best = Number.POSITIVE_INFINITY;
  let value;
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    value = await body();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return {seconds: best, value};
}

const row = (label, seconds, count, overhead) =>
  console.log(
    `  ${label.padEnd(40)} ${(seconds * 1000).toFixed(1).padStart(9)} ms  ${String(count).padStart(6)} runs` +
      (overhead === undefined ? '' : `  (${((seconds - overhead) * 1000).toFixed(0).padStart(5)} ms over start-up)`),
  );
const emptyStartup = () =>
  bestOf(3, () =>
    cliSeconds(['runs:list', '--json'], tmpdir(), {
      CODEX_MANIFEST_STORE: 'sqlite',
      CODEX_RUNS_DIR: mkdtempSync(join(tmpdir(), 'codex-bench-empty-')),
    }),
  );

console.log(`runs:list over ${total} runs (${process.env.BENCH_NOTE ?? 'shared 2-core machine; figures are noisy'})`);
for (const name of stores) {
  const work = mkdtempSync(join(tmpdir(), `codex-bench-runs-${name}-`));
  try {
    const runsDir = join(work, 'runs');
    const store = name === 'fs' ? FsManifestStore.create({dir: runsDir}) : SqliteManifestStore.create({dir: runsDir});
    const all = [...manifests()];
    const started = process.hrtime.bigint();
    for (const manifest of all) await store.put(manifest);
    const fill = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`\n${name}: filled with ${all.length} manifests in ${fill.toFixed(1)} s (${(all.length / fill).toFixed(0)} puts/s)`);
    const data = all.find((manifest) => manifest.kind === 'data');
    const inProcess = [
      ['store.list()', {}],
      ['store.list({kind: training})', {kind: 'training'}],
      ['store.list({parent})', {parent: data.runId}],
      ['store.list({datasetId})', {datasetId: data.datasetId}],
      ['store.list({newestFirst, limit: 20})', {newestFirst: true, limit: 20}],
    ];
    for (const [label, query] of inProcess) {
      const {seconds, value} = await bestOf(5, () => store.list(query));
      row(label, seconds, value.length);
    }
    await store.close();
    // CLI start-up (plugins, config, kernel) is paid by every command whatever the store: measured on an empty
    // store right before the listings, so both see the same load on a shared machine.
    const startup = (await emptyStartup()).seconds;
    row('codex runs:list, empty store (start-up)', startup, 0);
    const env = {CODEX_MANIFEST_STORE: name};
    const viaCli = [
      ['codex runs:list --json', []],
      ['codex runs:list --kind training --json', ['--kind', 'training']],
      ['codex runs:list --parent <data> --json', ['--parent', data.runId]],
      ['codex runs:list --dataset <id> --json', ['--dataset', data.datasetId]],
    ];
    for (const [label, args] of viaCli) {
      const {seconds, value} = await bestOf(3, () => cliSeconds(['runs:list', '--json', ...args], work, env));
      row(label, seconds, value.count, startup);
    }
  } finally {
    rmSync(work, {recursive: true, force: true});
  }
}
