import {existsSync} from 'node:fs';
import {readdir} from 'node:fs/promises';
import {hostname} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import {type Manifest, acquireLock} from '@codex-ml/core';
import {RunCollector} from '../../src/services/runs/run-collector.js';
import {runCli, tempDir} from '../helpers/run-cli.js';
import {SyntheticRuns, openStore} from './synthetic-runs.js';

/** Ancestors by walking manifests directly, independently of the collector's own graph. */
function ancestorsOf(runId: string, byId: ReadonlyMap<string, Manifest>): Set<string> {
  const found = new Set<string>();
  const stack = [...(byId.get(runId)?.parents ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (found.has(id)) continue;
    found.add(id);
    stack.push(...(byId.get(id)?.parents ?? []));
  }
  return found;
}

test('runs:gc never removes an ancestor of a kept run, and removes everything else (random lineages)', async (t) => {
  const kinds = ['data', 'tokenizer', 'training'];
  const lineage = fc.integer({min: 2, max: 12}).chain((size) =>
    fc.record({
      runs: fc.tuple(
        ...Array.from({length: size}, (_, index) =>
          fc.record({
            kind: fc.constantFrom(...kinds),
            parents: fc.subarray(
              Array.from({length: index}, (__, parent) => parent),
              {maxLength: Math.min(3, index)},
            ),
          }),
        ),
      ),
      keep: fc.subarray(
        Array.from({length: size}, (_, index) => index),
        {maxLength: Math.min(3, size)},
      ),
      keepLast: fc.integer({min: 0, max: 2}),
    }),
  );
  await fc.assert(
    fc.asyncProperty(lineage, async ({runs, keep, keepLast}) => {
      const dir = await tempDir();
      const runsDir = join(dir.path, 'runs');
      const store = openStore('sqlite', runsDir);
      try {
        const synthetic = new SyntheticRuns(runsDir, store);
        const manifests: Manifest[] = [];
        for (const run of runs) {
          const parents = run.parents.map((index) => (manifests[index] as Manifest).runId);
          manifests.push(await synthetic.add({kind: run.kind, parents, artifacts: [{path: 'out.bin', content: run.kind}]}));
        }
        const byId = new Map(manifests.map((manifest) => [manifest.runId, manifest]));
        const options = {runsDir, keep: keep.map((index) => (manifests[index] as Manifest).runId), keepLast, orphans: false};
        const collector = new RunCollector(store);
        const plan = await collector.plan(options);
        await collector.apply(plan, options);

        const newest = new Map<string, string[]>();
        for (const manifest of manifests) newest.set(manifest.kind, [...(newest.get(manifest.kind) ?? []), manifest.runId]);
        const kept = new Set([...options.keep, ...[...newest.values()].flatMap((ids) => (keepLast === 0 ? [] : ids.slice(-keepLast)))]);
        const mustStay = new Set([...kept].flatMap((id) => [id, ...ancestorsOf(id, byId)]));
        const remaining = new Set((await store.list()).map((summary) => summary.runId));
        for (const id of mustStay) {
          if (!remaining.has(id) || !existsSync(join(runsDir, id, 'out.bin'))) return false;
        }
        for (const manifest of manifests) {
          if (!mustStay.has(manifest.runId) && (remaining.has(manifest.runId) || existsSync(join(runsDir, manifest.runId)))) return false;
        }
        return plan.remove.length === manifests.length - mustStay.size;
      } finally {
        await store.close();
        await dir.cleanup();
      }
    }),
    {numRuns: 40, seed: 20_240_601},
  );
  t.pass();
});

test('runs:gc through the CLI: dry run by default, --apply removes only unreachable runs, a run being written stays with its parents', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const store = openStore('fs', runsDir);
  const runs = new SyntheticRuns(runsDir, store);
  const oldData = await runs.add({kind: 'data', artifacts: [{path: 'a.txt', content: 'old'}]});
  const {data, tokenizer, training} = await runs.pipeline(4, 2);
  const abandoned = await runs.add({kind: 'tokenizer', parents: [oldData.runId], artifacts: [{path: 'tokenizer.json', content: '{}'}]});
  const newestData = await runs.add({kind: 'data', artifacts: [{path: 'b.txt', content: 'new'}]});
  await store.close();
  const cli = (...args: string[]) => runCli(['runs:gc', '--json', ...args], {cwd: dir.path});

  const dry = await cli('--keep-last', '0', '--keep', training.runId);
  t.is(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as {applied: boolean; retained: string[]; remove: {runId: string}[]};
  t.false(plan.applied);
  t.deepEqual(plan.retained, [data.runId, tokenizer.runId, training.runId].sort());
  t.deepEqual(
    plan.remove.map((run) => run.runId),
    [newestData.runId, abandoned.runId, oldData.runId],
    'newest first',
  );
  t.true(existsSync(join(runsDir, oldData.runId)), 'a dry run removes nothing');

  // A run another process is writing is in use: it stays, and so do its parents; the rest goes.
  const lock = await acquireLock(join(runsDir, abandoned.runId, '.lock'), 'test');
  const locked = await cli('--keep-last', '0', '--keep', training.runId, '--apply');
  await lock.release();
  t.is(locked.code, 0, locked.stderr);
  const lockedResult = JSON.parse(locked.stdout) as {inUse: {runId: string; pid: number; as: string}[]; remove: {runId: string}[]};
  t.deepEqual(lockedResult.inUse, [{runId: abandoned.runId, pid: process.pid, host: hostname(), as: 'writer'}]);
  t.deepEqual(
    lockedResult.remove.map((run) => run.runId),
    [newestData.runId],
  );
  t.true(existsSync(join(runsDir, abandoned.runId, 'tokenizer.json')), 'the run in use stays');
  t.true(existsSync(join(runsDir, oldData.runId)), 'so does its parent');
  t.false(existsSync(join(runsDir, newestData.runId)));

  // Default: the newest run of each kind is kept, with its ancestors — the old data run feeding the newest tokenizer stays.
  const applied = await cli('--apply');
  t.is(applied.code, 0, applied.stderr);
  const removed = (JSON.parse(applied.stdout) as {remove: {runId: string}[]}).remove.map((run) => run.runId);
  t.deepEqual(removed, []);
  const explicit = await cli('--keep-last', '0', '--keep', training.runId, '--apply');
  t.is(explicit.code, 0, explicit.stderr);
  for (const id of [data.runId, tokenizer.runId, training.runId]) t.true(existsSync(join(runsDir, id, 'manifest.json')), `${id} kept`);
  for (const id of [oldData.runId, abandoned.runId, newestData.runId]) t.false(existsSync(join(runsDir, id)), `${id} removed`);
  t.deepEqual(
    (await readdir(runsDir)).filter((name) => name.startsWith('.')),
    [],
    'no hidden leftovers',
  );
  const listed = await runCli(['runs:list', '--json'], {cwd: dir.path});
  t.deepEqual(
    (JSON.parse(listed.stdout) as {runs: {runId: string}[]}).runs.map((run) => run.runId),
    [data.runId, tokenizer.runId, training.runId].sort(),
  );
});
