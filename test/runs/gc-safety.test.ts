import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdir, readFile, readdir, rename, stat, symlink, writeFile} from 'node:fs/promises';
import {join, relative} from 'node:path';
import test from 'ava';
import {acquireLease, isCodexError, newRunId} from '@codex-ml/core';
import {SqliteManifestStore} from '@codex-ml/plugin-sqlite-store';
import {isOneLineError, runCli, startCli, tempDir} from '../helpers/run-cli.js';
import {createWorkspace, writeCorpus} from '../training/cli_fixtures.js';

/** Every file under `root` with its bytes, hidden files included: what "nothing was touched" compares. */
async function snapshotTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) out[relative(root, path)] = `link`;
      else out[relative(root, path)] = (await readFile(path)).toString('base64');
    }
  };
  await walk(root);
  return out;
}

/** Two complete data runs and a tokenizer run made by the real commands, recorded in the default fs store. */
async function completeRuns(cwd: string): Promise<string[]> {
  await writeCorpus(join(cwd, 'data'));
  const ids: string[] = [];
  for (const args of [
    ['prepare-data', '--input', 'data'],
    ['prepare-data', '--input', 'data', '--force'],
  ]) {
    const result = await runCli([...args, '--json'], {cwd});
    if (result.code !== 0) throw new Error(result.stderr);
    ids.push((JSON.parse(result.stdout) as {runId: string}).runId);
  }
  const tokenizer = await runCli(['tokenizer:train', '--input', ids[0] as string, '--vocab-size', '280', '--json'], {cwd});
  if (tokenizer.code !== 0) throw new Error(tokenizer.stderr);
  ids.push((JSON.parse(tokenizer.stdout) as {runId: string}).runId);
  return ids;
}

/** The pid of a process that has exited: what an interrupted command leaves in its hidden names. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('close', resolve));
  return child.pid as number;
}

const SQLITE = ['--set', 'manifest.store=sqlite'];

test('a 0-byte, a corrupt and an empty SQLite store over complete runs: runs:list and runs:gc fail naming both, nothing is deleted', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const ids = await completeRuns(dir.path);
  const database = join(runsDir, 'manifests.sqlite');
  const stores: Record<string, () => Promise<void>> = {
    '0-byte': () => writeFile(database, ''),
    corrupt: () => writeFile(database, Buffer.concat([Buffer.from('SQLite format 3\0'), randomBytes(8192)])),
    empty: async () => {
      await SqliteManifestStore.create({dir: runsDir}).close();
    },
  };
  for (const [name, make] of Object.entries(stores)) {
    await make();
    const before = await snapshotTree(runsDir);
    const list = await runCli(['runs:list', ...SQLITE], {cwd: dir.path});
    t.is(list.code, 5, `${name}: ${list.stdout}${list.stderr}`);
    t.true(isOneLineError(list.stderr), list.stderr);
    t.true(list.stderr.includes(database) && list.stderr.includes(`${runsDir} holds 3 recorded runs`), `${name}: ${list.stderr}`);
    t.false(list.stdout.includes('no runs'));

    const gc = await runCli(['runs:gc', '--apply', '--keep-last', '0', '--orphans', ...SQLITE], {cwd: dir.path});
    t.is(gc.code, 5, `${name}: ${gc.stderr}`);
    t.regex(gc.stderr, /nothing was changed/);
    for (const id of ids) t.true(existsSync(join(runsDir, id, 'manifest.json')), `${name}: run ${id} kept`);
    const after = await snapshotTree(runsDir);
    for (const [path, bytes] of Object.entries(before)) {
      if (!path.startsWith('manifests.sqlite')) t.is(after[path], bytes, `${name}: ${path} untouched`);
    }
    await rename(database, join(dir.path, `${name}.sqlite`));
    for (const suffix of ['-wal', '-shm']) await rename(`${database}${suffix}`, join(dir.path, `${name}${suffix}`)).catch(() => undefined);
  }

  // The hint works: the index is rebuilt from the run directories, then listing and gc agree with the disk.
  const migrated = await runCli(['runs:migrate', '--from', 'fs', '--to', 'sqlite'], {cwd: dir.path});
  t.is(migrated.code, 0, migrated.stderr);
  const listed = await runCli(['runs:list', '--json', ...SQLITE], {cwd: dir.path});
  t.deepEqual(
    (JSON.parse(listed.stdout) as {runs: {runId: string}[]}).runs.map((run) => run.runId),
    [...ids].sort(),
  );
});

test('an index missing runs is a warning, and gc decides from the run directories', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const [oldData, newData, tokenizer] = (await completeRuns(dir.path)) as [string, string, string];
  const store = SqliteManifestStore.create({dir: runsDir});
  // The index knows only the newest data run; the tokenizer run's parent is the old one.
  await store.put(JSON.parse(await readFile(join(runsDir, newData, 'manifest.json'), 'utf8')));
  await store.close();
  const list = await runCli(['runs:list', ...SQLITE], {cwd: dir.path});
  t.is(list.code, 0, list.stderr);
  t.regex(list.stderr, /warning: the sqlite manifest store .* lists 1 runs, but .* holds 3: .*runs:migrate --from fs --to sqlite/);
  const gc = await runCli(['runs:gc', '--apply', '--json', ...SQLITE], {cwd: dir.path});
  t.is(gc.code, 0, gc.stderr);
  t.deepEqual((JSON.parse(gc.stdout) as {remove: unknown[]}).remove, []);
  for (const id of [oldData, newData, tokenizer])
    t.true(existsSync(join(runsDir, id, 'manifest.json')), 'the parent only the disk knows stays');
});

test('gc never follows links out of the runs directory and never writes through them', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const [, , tokenizer] = (await completeRuns(dir.path)) as [string, string, string];
  // A link named like a run, to a directory that looks like a run.
  const outside = join(dir.path, 'outside');
  const linkedId = newRunId();
  await mkdir(outside);
  await writeFile(
    join(outside, 'manifest.json'),
    JSON.stringify({schemaVersion: 1, kind: 'data', runId: linkedId, parents: [], createdAt: new Date().toISOString()}),
  );
  await writeFile(join(outside, 'precious.txt'), 'keep me');
  await symlink(outside, join(runsDir, linkedId));
  // A link inside a run that gc removes, to a directory outside.
  const elsewhere = join(dir.path, 'elsewhere');
  await mkdir(elsewhere);
  await writeFile(join(elsewhere, 'precious.txt'), 'keep me too');
  await symlink(elsewhere, join(runsDir, tokenizer, 'escape'));
  const before = await snapshotTree(dir.path);

  const gc = await runCli(['runs:gc', '--apply', '--keep-last', '0', '--orphans', '--json'], {cwd: dir.path});
  t.is(gc.code, 0, gc.stderr);
  t.regex(gc.stderr, new RegExp(`${join(runsDir, linkedId)} is a symbolic link; gc does not follow or remove it`));
  t.false(existsSync(join(runsDir, tokenizer)), 'the run holding a link is removed');
  t.true(existsSync(join(runsDir, linkedId)), 'the link stays');
  const after = await snapshotTree(dir.path);
  for (const root of ['outside', 'elsewhere']) {
    const files = (snapshot: Record<string, string>) => Object.entries(snapshot).filter(([path]) => path.startsWith(root));
    t.deepEqual(files(after), files(before), `${root} untouched (no lock, no lease, no deletion)`);
  }
});

test('a damaged manifest stops gc before anything is removed', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const [first, second] = (await completeRuns(dir.path)) as [string, string, string];
  await writeFile(join(runsDir, second, 'manifest.json'), '{"schemaVersion": 1, "kind": "da');
  const gc = await runCli(['runs:gc', '--apply', '--keep-last', '0'], {cwd: dir.path});
  t.is(gc.code, 5);
  t.true(isOneLineError(gc.stderr), gc.stderr);
  t.regex(gc.stderr, new RegExp(`run ${second}: .*manifest.json is not valid JSON .*nothing was removed`));
  t.true(existsSync(join(runsDir, first, 'manifest.json')));
});

test('a training run starting from a data run: gc in the meantime removes neither input, and the run finishes with its parents', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const {dataRunId} = await createWorkspace(dir.path);
  const runsDir = join(dir.path, 'runs');
  const tokenizerRunId = (await readdir(runsDir)).find(
    (name) => name !== dataRunId && existsSync(join(runsDir, name, 'tokenizer.json')),
  ) as string;
  const training = startCli(['train', '--config', 'train.yaml', '--set', 'training.steps=2', '--json'], {
    cwd: dir.path,
    env: {CODEX_TEST_PAUSE: 'train:tokenize'},
  });
  t.teardown(() => training.child.kill('SIGKILL'));
  await training.waitForStderr('paused at train:tokenize');

  const gc = await runCli(['runs:gc', '--apply', '--keep-last', '0', '--orphans', '--json'], {cwd: dir.path});
  t.is(gc.code, 0, gc.stderr);
  const result = JSON.parse(gc.stdout) as {inUse: {runId: string; as: string; pid: number}[]; remove: unknown[]};
  t.deepEqual(
    result.inUse.map((run) => [run.runId, run.as, run.pid]).sort(),
    [
      [dataRunId, 'reader', training.child.pid],
      [tokenizerRunId, 'reader', training.child.pid],
    ].sort(),
  );
  t.deepEqual(result.remove, []);

  training.child.kill('SIGCONT');
  const done = await training.exited;
  t.is(done.code, 0, done.stderr);
  const {runId} = JSON.parse(done.stdout) as {runId: string};
  const verified = await runCli(['runs:verify', runId], {cwd: dir.path});
  t.is(verified.code, 0, `${verified.stdout}${verified.stderr}`);
  t.deepEqual(
    (await readdir(join(runsDir, dataRunId))).filter((name) => name.startsWith('.lease')),
    [],
    'the lease is released when the run ends',
  );
});

test('gc re-checks under its own hand: a lease taken, or a run finished, while a run is moved aside puts it back', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const [oldData, newData] = (await completeRuns(dir.path)) as [string, string, string];
  // With --keep-last 0 all three runs are candidates; gc pauses with them moved aside.
  const gc = startCli(['runs:gc', '--apply', '--keep-last', '0', '--json'], {cwd: dir.path, env: {CODEX_TEST_PAUSE: 'gc:aside'}});
  t.teardown(() => gc.child.kill('SIGKILL'));
  await gc.waitForStderr('paused at gc:aside');
  const hidden = (await readdir(runsDir)).filter((name) => name.startsWith('.gc-aside-'));
  t.is(hidden.length, 3, 'every candidate is aside while gc checks');
  // A reader leased the old data run just before it moved: its lease moved with it.
  const asideOld = hidden.find((name) => name.includes(oldData)) as string;
  await writeFile(
    join(runsDir, asideOld, '.lease-1-00000000'),
    JSON.stringify({pid: process.pid, host: (await import('node:os')).hostname(), since: new Date().toISOString()}),
  );
  // A run that finished since gc planned names the new data run as its parent.
  const child = newRunId();
  await mkdir(join(runsDir, child));
  await writeFile(
    join(runsDir, child, 'manifest.json'),
    JSON.stringify({schemaVersion: 1, kind: 'tokenizer', runId: child, parents: [newData], createdAt: new Date().toISOString()}),
  );
  gc.child.kill('SIGCONT');
  const done = await gc.exited;
  t.is(done.code, 0, done.stderr);
  const result = JSON.parse(done.stdout) as {remove: {runId: string}[]; inUse: {runId: string}[]};
  t.is(result.remove.length, 1, 'only the tokenizer run, which nothing uses, is removed');
  t.true(existsSync(join(runsDir, oldData, 'manifest.json')), 'the leased run is back');
  t.true(existsSync(join(runsDir, newData, 'manifest.json')), 'the parent of the new run is back');
  t.deepEqual(
    (await readdir(runsDir)).filter((name) => name.startsWith('.gc-')),
    [],
  );
});

test('what an interrupted gc left is settled: undecided runs go back, decided ones are finished', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const [oldData, newData, tokenizer] = (await completeRuns(dir.path)) as [string, string, string];
  const pid = await deadPid();
  await rename(join(runsDir, tokenizer), join(runsDir, `.gc-aside-${tokenizer}-${pid}-0badc0de`));
  await rename(join(runsDir, newData), join(runsDir, `.gc-doomed-${newData}-${pid}-0badc0de`));
  const dry = await runCli(['runs:gc', '--json'], {cwd: dir.path});
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stderr, new RegExp(`run ${tokenizer} was left aside by an interrupted gc`));
  t.regex(dry.stderr, new RegExp(`run ${newData} was left half-removed by an interrupted gc`));
  const plan = JSON.parse(dry.stdout) as {retained: string[]};
  t.true(plan.retained.includes(oldData), 'the aside tokenizer run still holds its parent');

  const applied = await runCli(['runs:gc', '--apply', '--json'], {cwd: dir.path});
  t.is(applied.code, 0, applied.stderr);
  t.true(existsSync(join(runsDir, tokenizer, 'tokenizer.json')), 'undecided: put back');
  t.true(existsSync(join(runsDir, oldData, 'manifest.json')), 'its parent kept');
  t.false(existsSync(join(runsDir, newData)), 'decided: finished');
  t.deepEqual(
    (await readdir(runsDir)).filter((name) => name.startsWith('.')),
    [],
  );
});

test('a lease on a run that is gone fails by name; leases of dead processes are ignored', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const error = await t.throwsAsync(acquireLease(join(dir.path, newRunId()), 'data run'));
  t.true(isCodexError(error) && error.code === 'E_RUN_GONE', String(error));
  const run = join(dir.path, newRunId());
  await mkdir(run);
  const lease = await acquireLease(run, 'data run');
  t.true((await stat(lease.path)).isFile());
  await lease.release();
  t.false(existsSync(lease.path));
});
