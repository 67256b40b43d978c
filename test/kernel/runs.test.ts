import {spawn} from 'node:child_process';
import {readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {
  RunDirectory,
  acquireLock,
  assertRunId,
  isRunId,
  listRunIds,
  newRunId,
  runIdTime,
  withAtomicFile,
  writeFileAtomic,
} from '@codex-ml/core';
import test from 'ava';
import {tempDir} from '../helpers/run-cli.js';

test('run ids are ULIDs, monotonic within a millisecond, and carry their time', (t) => {
  const ids = Array.from({length: 1000}, () => newRunId());
  t.true(ids.every(isRunId));
  t.deepEqual([...ids].sort(), ids);
  t.true(Math.abs(runIdTime(ids[0] as string).getTime() - Date.now()) < 5000);
  t.false(isRunId('not-a-ulid'));
  t.throws(() => assertRunId('01ARZ3NDEKTSV4RRFFQ69G5FAVX', '--resume'), {message: /--resume: .* is not a run id/});
});

test('atomic writes replace whole files and leave no temp file behind on failure', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const target = join(dir.path, 'nested', 'manifest.json');
  await writeFileAtomic(target, 'first');
  await writeFileAtomic(target, 'second');
  t.is(await readFile(target, 'utf8'), 'second');
  await t.throwsAsync(
    withAtomicFile(target, async (handle) => {
      await handle.writeFile('partial');
      throw new Error('writer died');
    }),
    {message: 'writer died'},
  );
  t.is(await readFile(target, 'utf8'), 'second');
  t.deepEqual(await readdir(join(dir.path, 'nested')), ['manifest.json']);
});

test('a lock held by a live process is refused with its pid; a dead owner’s lock is taken over', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const path = join(dir.path, '.lock');
  // A real second process holds the lock.
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import {acquireLock} from '@codex-ml/core'; await acquireLock(${JSON.stringify(path)}, 'run X'); console.log('locked'); setInterval(() => {}, 1000);`,
    ],
    {cwd: new URL('../../..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit']},
  );
  t.teardown(() => holder.kill('SIGKILL'));
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  const error = await t.throwsAsync(acquireLock(path, 'run X'));
  t.regex(error?.message ?? '', new RegExp(`run X is locked by process ${holder.pid}`));
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('close', resolve));
  const lock = await acquireLock(path, 'run X');
  t.is(JSON.parse(await readFile(path, 'utf8')).pid, process.pid);
  await lock.release();
  await lock.release();
});

test('an unreadable lock file (writer died before writing) is treated as stale', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const path = join(dir.path, '.lock');
  await writeFile(path, '');
  const lock = await acquireLock(path, 'run Y');
  await lock.release();
  t.pass();
});

test('run directories are created under their ULID, listed in order, and reopened for resume', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const first = await RunDirectory.create(dir.path);
  const second = await RunDirectory.create(dir.path);
  t.deepEqual(await listRunIds(dir.path), [first.runId, second.runId]);
  t.is(first.file('a.json'), join(dir.path, first.runId, 'a.json'));
  await t.throwsAsync(RunDirectory.open(dir.path, first.runId), {message: /is locked by process/});
  await first.release();
  const reopened = await RunDirectory.open(dir.path, first.runId);
  await reopened.release();
  await second.release();
  await t.throwsAsync(RunDirectory.open(dir.path, newRunId()), {message: /does not exist/});
  t.deepEqual(await listRunIds(join(dir.path, 'missing')), []);
});
