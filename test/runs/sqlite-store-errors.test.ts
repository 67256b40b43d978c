import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import {isCodexError} from '@codex-ml/core';
import {SqliteManifestStore} from '@codex-ml/plugin-sqlite-store';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';

test('sqlite store: a file that is not a database is one line naming it, exit 5', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const path = join(dir.path, 'manifests.sqlite');
  await writeFile(path, 'this is not a database, it is a text file that happens to be large enough to have a header');
  const result = await runCli(['runs:list', '--set', 'manifest.store=sqlite', '--set', `manifest.sqlite.path=${path}`], {cwd: dir.path});
  t.is(result.code, 5);
  t.true(isOneLineError(result.stderr), result.stderr);
  t.regex(result.stderr, new RegExp(`cannot open ${path}: file is not a database`));
});

test('sqlite store: a database from a newer layout is refused by name; the default path follows the runs directory', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const store = SqliteManifestStore.create({dir: join(dir.path, 'runs')});
  t.is(store.path, join(dir.path, 'runs', 'manifests.sqlite'));
  await store.close();
  const db = new Database(store.path);
  db.pragma('user_version = 99');
  db.close();
  const error = t.throws(() => SqliteManifestStore.create({dir: join(dir.path, 'runs')}));
  t.true(isCodexError(error) && error.code === 'E_MANIFEST_STORE');
  t.regex(error?.message ?? '', /has layout version 99; this plugin reads up to 1/);
});
