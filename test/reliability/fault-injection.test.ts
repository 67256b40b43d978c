import {readFile, readdir, readlink, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {CheckpointStore} from '../../src/services/training/checkpoint-store.js';
import {parseDataManifest} from '../../src/services/data/data-manifest-reader.js';
import {Blake3Hasher} from '@codex-ml/plugin-hashers';
import {type CliResult, repoRoot, runCli, startCli, tempDir} from '../helpers/run-cli.js';
import {createWorkspace, writeCorpus} from '../training/cli_fixtures.js';

/**
 * Seeded fault injection: each command is SIGKILLed at 20 moments drawn from a seeded generator over the
 * time an uninterrupted run takes. After every kill: no process started for the command outlives it, nothing
 * partial is visible as a result (every published manifest, checkpoint and output file is whole), and the
 * next run — itself the next victim — resumes or starts cleanly. A last run then completes and verifies.
 * FAULT_SEED picks another schedule. Kill moments scale with the shortest run seen, and a command is killed
 * again past 20 until at least half the kills have landed mid-run: on a machine whose cores are busy the
 * calibration run may take far longer than the runs after it, and the test must still test something.
 */
const SEED = Number(process.env.FAULT_SEED ?? 1616);
const KILLS = 20;

/** mulberry32: a small seeded generator, so a failing schedule can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Tally {
  killed: number;
  finishedFirst: number;
}

/** When to kill next: a seeded fraction of the shortest uninterrupted run seen so far. */
class KillSchedule {
  readonly tally: Tally = {killed: 0, finishedFirst: 0};
  readonly #random: () => number;
  #runMs: number;

  constructor(seed: number, calibrationMs: number) {
    this.#random = generator(seed);
    this.#runMs = calibrationMs;
  }

  /** Another kill: until 20 are done and half of them landed mid-run (at most 60). */
  wants(kill: number): boolean {
    return kill < KILLS || (this.tally.killed < KILLS / 2 && kill < 3 * KILLS);
  }

  delay(): number {
    return this.#random() * this.#runMs;
  }

  /** `whole`: the run did all the work the calibration run did (not a resume or a reuse), so its time counts. */
  record(outcome: {killed: boolean; ms: number}, whole = true): void {
    if (outcome.killed) this.tally.killed++;
    else {
      this.tally.finishedFirst++;
      if (whole) this.#runMs = Math.min(this.#runMs, outcome.ms);
    }
  }
}

/** Processes (other than this one) whose working directory is `dir`: anything a command left running. */
async function processesIn(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cwd = await readlink(`/proc/${name}/cwd`).catch(() => undefined);
    if (cwd === dir) pids.push(Number(name));
  }
  return pids;
}

/**
 * Waits until nothing runs in `dir`: a stage notices its parent's death within a fraction of a second on an idle
 * machine; up to 10 s are allowed for one whose cores are busy.
 */
async function assertNothingOutlives(t: import('ava').ExecutionContext, dir: string, what: string): Promise<void> {
  let left: number[] = [];
  for (let attempt = 0; attempt < 200; attempt++) {
    left = await processesIn(dir);
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const pid of left) process.kill(pid, 'SIGKILL');
  t.fail(`${what}: processes ${left.join(', ')} outlived the killed command`);
}

/** Runs `args` and SIGKILLs it after `delayMs`; tells whether it was killed or had already finished. */
async function killAfter(args: readonly string[], cwd: string, delayMs: number): Promise<{killed: boolean; ms: number; result: CliResult}> {
  const started = performance.now();
  const child = startCli(args, {cwd});
  const timer = setTimeout(() => child.child.kill('SIGKILL'), delayMs);
  const result = await child.exited;
  clearTimeout(timer);
  return {killed: result.signal === 'SIGKILL', ms: performance.now() - started, result};
}

async function timed(run: () => Promise<CliResult>): Promise<{ms: number; result: CliResult}> {
  const started = performance.now();
  const result = await run();
  return {ms: performance.now() - started, result};
}

const runIdsIn = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).filter((name) => /^[0-9A-Z]{26}$/.test(name));

test.serial('prepare-data killed at 20 moments: every published manifest is whole, and the next run starts cleanly', async (t) => {
  const dir = await tempDir('codex-fault-data-');
  t.teardown(dir.cleanup);
  await writeCorpus(join(dir.path, 'data'));
  const args = ['prepare-data', '--input', 'data', '--force', '--json'];
  const clean = await timed(() => runCli(args, {cwd: dir.path}));
  t.is(clean.result.code, 0, clean.result.stderr);
  const schedule = new KillSchedule(SEED, clean.ms);
  const {tally} = schedule;
  for (let kill = 0; schedule.wants(kill); kill++) {
    const outcome = await killAfter(args, dir.path, schedule.delay());
    schedule.record(outcome);
    if (!outcome.killed) t.is(outcome.result.code, 0, outcome.result.stderr);
    await assertNothingOutlives(t, dir.path, `prepare-data kill ${kill}`);
    for (const runId of await runIdsIn(join(dir.path, 'runs'))) {
      const text = await readFile(join(dir.path, 'runs', runId, 'manifest.json'), 'utf8').catch(() => undefined);
      // No manifest: an unfinished run, never listed; a manifest: whole and sealed.
      if (text !== undefined) t.notThrows(() => parseDataManifest(text, `run ${runId}`), `kill ${kill}: run ${runId}`);
    }
  }
  const listed = await runCli(['runs:list', '--json'], {cwd: dir.path});
  t.is(listed.code, 0, listed.stderr);
  const last = await runCli(['prepare-data', '--input', 'data', '--json'], {cwd: dir.path});
  t.is(last.code, 0, last.stderr);
  const verified = await runCli(['data:verify', (JSON.parse(last.stdout) as {runId: string}).runId], {cwd: dir.path});
  t.is(verified.code, 0, verified.stderr);
  t.log(`prepare-data: ${tally.killed} killed mid-run, ${tally.finishedFirst} finished before the kill (seed ${SEED})`);
  t.true(tally.killed >= KILLS / 2, `most kills land mid-run: ${JSON.stringify(tally)}`);
});

test.serial('tokenizer:train --out killed at 20 moments: the output is the old file or the new one, never a mix', async (t) => {
  const dir = await tempDir('codex-fault-tokenizer-');
  t.teardown(dir.cleanup);
  await writeCorpus(join(dir.path, 'data'));
  const args = ['tokenizer:train', '--input', 'data', '--vocab-size', '300', '--out', 'tok', '--force', '--json'];
  const clean = await timed(() => runCli(args, {cwd: dir.path}));
  t.is(clean.result.code, 0, clean.result.stderr);
  const reference = await readFile(join(dir.path, 'tok', 'tokenizer.json'));
  // An older tokenizer in the output directory: after any kill it is there whole, or the new one is.
  const old = Buffer.from('{"version": "1.0", "note": "the previous tokenizer"}\n');
  await writeFile(join(dir.path, 'tok', 'tokenizer.json'), old);
  const schedule = new KillSchedule(SEED + 1, clean.ms);
  const {tally} = schedule;
  for (let kill = 0; schedule.wants(kill); kill++) {
    const outcome = await killAfter(args, dir.path, schedule.delay());
    schedule.record(outcome);
    if (!outcome.killed) t.is(outcome.result.code, 0, outcome.result.stderr);
    await assertNothingOutlives(t, dir.path, `tokenizer:train kill ${kill}`);
    const now = await readFile(join(dir.path, 'tok', 'tokenizer.json'));
    t.true(now.equals(old) || now.equals(reference), `kill ${kill}: tok/tokenizer.json is neither the old nor the new file`);
    if (now.equals(reference)) await writeFile(join(dir.path, 'tok', 'tokenizer.json'), old);
  }
  const last = await runCli(args, {cwd: dir.path});
  t.is(last.code, 0, last.stderr);
  t.true((await readFile(join(dir.path, 'tok', 'tokenizer.json'))).equals(reference));
  t.log(`tokenizer:train: ${tally.killed} killed mid-run, ${tally.finishedFirst} finished before the kill (seed ${SEED})`);
  t.true(tally.killed >= KILLS / 2, `most kills land mid-run: ${JSON.stringify(tally)}`);
});

test.serial('train killed at 20 moments: every published checkpoint verifies, and each next run resumes or starts cleanly', async (t) => {
  const dir = await tempDir('codex-fault-train-');
  t.teardown(dir.cleanup);
  await createWorkspace(dir.path);
  const settings = ['training.steps=8', 'training.checkpointInterval=1', 'training.evalInterval=4', 'training.keepLast=2'];
  const fresh = ['train', '--config', 'train.yaml', ...settings.flatMap((set) => ['--set', set]), '--run-dir', 'fi', '--json'];
  const clean = await timed(() => runCli([...fresh.slice(0, -3), '--run-dir', 'calibration', '--json'], {cwd: dir.path}));
  t.is(clean.result.code, 0, clean.result.stderr);
  const hasher = await Blake3Hasher.create();
  const schedule = new KillSchedule(SEED + 2, clean.ms);
  const {tally} = schedule;
  // The newest run is continued while it is unfinished (it has a snapshot, no manifest); otherwise a new run starts.
  const resumable = async () => {
    const newest = (await runIdsIn(join(dir.path, 'fi'))).sort().at(-1);
    if (newest === undefined) return false;
    const has = (file: string) =>
      stat(join(dir.path, 'fi', newest, file)).then(
        () => true,
        () => false,
      );
    return (await has('config.snapshot')) && !(await has('manifest.json'));
  };
  for (let kill = 0; schedule.wants(kill); kill++) {
    const args = (await resumable()) ? ['train', '--resume', 'latest', '--run-dir', 'fi', '--json'] : fresh;
    const outcome = await killAfter(args, dir.path, schedule.delay());
    schedule.record(outcome, args === fresh);
    if (!outcome.killed) t.is(outcome.result.code, 0, outcome.result.stderr);
    await assertNothingOutlives(t, dir.path, `train kill ${kill}`);
    for (const runId of await runIdsIn(join(dir.path, 'fi'))) {
      const store = new CheckpointStore(join(dir.path, 'fi', runId), runId, hasher);
      for (const checkpoint of await store.list()) {
        await t.notThrowsAsync(store.load(checkpoint.path), `kill ${kill}: ${checkpoint.path} is published but not whole`);
      }
    }
  }
  const last = await runCli(['train', '--resume', 'latest', '--run-dir', 'fi', '--json'], {cwd: dir.path});
  t.is(last.code, 0, last.stderr);
  const output = JSON.parse(last.stdout) as {runId: string; steps: number};
  t.is(output.steps, 8);
  const verified = await runCli(['runs:verify', output.runId, '--set', 'runs.dir=fi'], {cwd: dir.path});
  t.true(/ok\s+metrics\.ndjson/.test(verified.stdout), verified.stdout);
  t.log(`train: ${tally.killed} killed mid-run, ${tally.finishedFirst} finished before the kill (seed ${SEED})`);
  t.true(tally.killed >= KILLS / 2, `most kills land mid-run: ${JSON.stringify(tally)}`);
});

test.serial('pipeline killed at 20 moments: no stage outlives it, and the next pipeline reuses only whole runs', async (t) => {
  const dir = await tempDir('codex-fault-pipeline-');
  t.teardown(dir.cleanup);
  await writeCorpus(join(dir.path, 'data'));
  const tiny = [
    'data.input=data',
    'data.splitter=seeded',
    'data.ratios=0.6,0.2,0.2',
    'tokenizer.vocabSize=300',
    'training.tfjs.layers=1',
    'training.tfjs.dModel=32',
    'training.tfjs.heads=2',
    'training.model.contextLength=16',
    'training.batchSize=4',
    'training.steps=3',
    'training.evalInterval=0',
    'training.checkpointInterval=1',
    'training.schedule.warmupSteps=1',
    'evaluation.split=validation',
    'evaluation.batchSize=4',
    'evaluation.maxBatches=1',
    'pipeline.report=false',
  ].flatMap((set) => ['--set', set]);
  const args = ['pipeline', '--config', join(repoRoot, 'configs', 'pipeline.yaml'), ...tiny, '--force', '--json'];
  const clean = await timed(() => runCli(args, {cwd: dir.path, timeoutMs: 300_000}));
  t.is(clean.result.code, 0, clean.result.stderr);
  const schedule = new KillSchedule(SEED + 3, clean.ms);
  const {tally} = schedule;
  for (let kill = 0; schedule.wants(kill); kill++) {
    // Every fourth without --force: that pipeline reuses what earlier ones finished, and must reuse only whole runs.
    const outcome = await killAfter(kill % 4 === 3 ? args.filter((arg) => arg !== '--force') : args, dir.path, schedule.delay());
    schedule.record(outcome, kill % 4 !== 3);
    if (!outcome.killed) t.is(outcome.result.code, 0, outcome.result.stderr);
    await assertNothingOutlives(t, dir.path, `pipeline kill ${kill}`);
  }
  const last = await runCli(
    args.filter((arg) => arg !== '--force'),
    {cwd: dir.path, timeoutMs: 300_000},
  );
  t.is(last.code, 0, last.stderr);
  const result = JSON.parse(last.stdout) as {evaluationRunId: string};
  const verified = await runCli(['runs:verify', result.evaluationRunId], {cwd: dir.path});
  t.is(verified.code, 0, `${verified.stdout}${verified.stderr}`);
  t.log(`pipeline: ${tally.killed} killed mid-run, ${tally.finishedFirst} finished before the kill (seed ${SEED})`);
  t.true(tally.killed >= KILLS / 2, `most kills land mid-run: ${JSON.stringify(tally)}`);
});
