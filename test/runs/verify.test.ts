import {readFile, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {type StoreName, SyntheticRuns, openStore} from './synthetic-runs.js';

interface Report {
  ok: boolean;
  failures: number;
  artifacts: number;
  runs: {runId: string; kind: string; manifestFound: boolean; artifacts: {path: string; status: string; found?: string}[]}[];
}

for (const storeName of ['sqlite', 'fs'] as const satisfies readonly StoreName[]) {
  test(`runs:verify (${storeName}) passes a clean lineage and detects a modified checkpoint and an ancestor's changed file`, async (t) => {
    const dir = await tempDir();
    t.teardown(dir.cleanup);
    const runsDir = join(dir.path, 'runs');
    const store = openStore(storeName, runsDir);
    const {data, tokenizer, training} = await new SyntheticRuns(runsDir, store).pipeline();
    await store.close();
    const verify = (runId: string) => runCli(['runs:verify', runId, '--json', '--set', `manifest.store=${storeName}`], {cwd: dir.path});

    const clean = await verify(training.runId);
    t.is(clean.code, 0, clean.stderr);
    const report = JSON.parse(clean.stdout) as Report;
    t.true(report.ok);
    t.deepEqual(
      report.runs.map((run) => run.runId),
      [training.runId, ...[data.runId, tokenizer.runId].sort()],
      'the run, then its ancestors',
    );
    t.is(report.artifacts, 5, 'sha256 and blake3 checksums are both verified');

    // Same size, one byte flipped: only the checksum can tell.
    const checkpoint = join(runsDir, training.runId, 'checkpoints/step-000040/weights.bin');
    const bytes = await readFile(checkpoint);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    await writeFile(checkpoint, bytes);
    const modified = await verify(training.runId);
    t.is(modified.code, 5, modified.stderr);
    const failed = JSON.parse(modified.stdout) as Report;
    t.false(failed.ok);
    t.is(failed.failures, 1);
    const entry = failed.runs[0]?.artifacts.find((artifact) => artifact.path === 'checkpoints/step-000040/weights.bin');
    t.is(entry?.status, 'modified');
    t.regex(entry?.found ?? '', /^sha256:[0-9a-f]{64}$/);
    t.true(isOneLineError(modified.stderr), modified.stderr);
    t.regex(modified.stderr, /weights\.bin is modified/);

    // An ancestor's blake3 artifact removed: verifying the descendant reports it, verified with blake3.
    await rm(join(runsDir, tokenizer.runId, 'tokenizer.json'));
    const missing = JSON.parse((await verify(training.runId)).stdout) as Report;
    t.is(missing.failures, 2);
    t.is(missing.runs.find((run) => run.runId === tokenizer.runId)?.artifacts[0]?.status, 'missing');
    t.is((await verify(data.runId)).code, 0, 'the data run itself is still intact');
  });
}

test('runs:verify: a parent without a manifest fails; an unknown or malformed id is one line', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const store = openStore('sqlite', runsDir);
  const runs = new SyntheticRuns(runsDir, store);
  const {data, training} = await runs.pipeline(5, 5);
  await store.delete(data.runId);
  await store.close();
  const set = ['--set', 'manifest.store=sqlite'];
  const orphaned = await runCli(['runs:verify', training.runId, ...set], {cwd: dir.path});
  t.is(orphaned.code, 5);
  t.regex(orphaned.stdout, /MANIFEST MISSING/);
  t.regex(orphaned.stderr, new RegExp(`run ${data.runId} has no manifest`));

  const unknown = await runCli(['runs:verify', '01ARZ3NDEKTSV4RRFFQ69G5FAV', ...set], {cwd: dir.path});
  t.is(unknown.code, 4);
  t.true(isOneLineError(unknown.stderr), unknown.stderr);
  t.regex(unknown.stderr, /01ARZ3NDEKTSV4RRFFQ69G5FAV has no manifest in the sqlite manifest store/);
  const malformed = await runCli(['runs:show', 'not-a-run', ...set], {cwd: dir.path});
  t.is(malformed.code, 4);
  t.true(isOneLineError(malformed.stderr), malformed.stderr);
});

for (const storeName of ['sqlite', 'fs'] as const satisfies readonly StoreName[]) {
  test(`runs:verify (${storeName}) checks the seal of the run and of every ancestor: a better finalLoss or an edited data manifest fails`, async (t) => {
    const dir = await tempDir();
    t.teardown(dir.cleanup);
    const runsDir = join(dir.path, 'runs');
    const store = openStore(storeName, runsDir);
    const {data, training} = await new SyntheticRuns(runsDir, store).pipeline();
    await store.close();
    const verify = () => runCli(['runs:verify', training.runId, '--json', '--set', `manifest.store=${storeName}`], {cwd: dir.path});
    t.is((await verify()).code, 0);

    const edit = async (runId: string, change: (manifest: Record<string, unknown>) => void) => {
      const path = join(runsDir, runId, 'manifest.json');
      const original = await readFile(path, 'utf8');
      const manifest = JSON.parse(original) as Record<string, unknown>;
      change(manifest);
      await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
      return () => writeFile(path, original);
    };
    const restoreTraining = await edit(training.runId, (manifest) => {
      manifest['finalLoss'] = 0.01;
    });
    const better = await verify();
    t.is(better.code, 5);
    t.regex(
      better.stderr,
      new RegExp(
        `first: the manifest of run ${training.runId} is modified: .*(was modified after it was written|differs from the manifest store's copy)`,
      ),
    );
    t.true(isOneLineError(better.stderr), better.stderr);
    await restoreTraining();

    await edit(data.runId, (manifest) => {
      manifest['seed'] = 8;
    });
    const ancestor = await verify();
    t.is(ancestor.code, 5);
    const report = JSON.parse(ancestor.stdout) as {runs: {runId: string; seal: string}[]};
    t.deepEqual(
      report.runs.filter((run) => run.seal !== 'ok').map((run) => run.runId),
      [data.runId],
      'the edited ancestor is named',
    );
  });
}
