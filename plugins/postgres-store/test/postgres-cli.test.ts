import {spawn} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {PostgresCluster} from './postgres-cluster.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const PASSWORD = 'pw-Xq7-never-shown';

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real CLI in `cwd`, with CODEX_* and PG* variables of the caller removed and `env` added. */
function codex(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('CODEX_') && !key.startsWith('PG') && key !== 'DEBUG') base[key] = value;
  }
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], {
      cwd,
      env: {...base, NO_COLOR: '1', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (code) => done({code, stdout, stderr}));
  });
}

if (PostgresCluster.binDir() === undefined) {
  test.skip('postgres store through the CLI: skipped, PostgreSQL is not installed (apt-get install postgresql)', () => {});
} else {
  let cluster: PostgresCluster;
  let work: string;
  test.before(async () => {
    cluster = await PostgresCluster.start();
    work = await mkdtemp(join(tmpdir(), 'codex-pg-cli-'));
  });
  test.after.always(async () => {
    await cluster?.stop();
    if (work) await rm(work, {recursive: true, force: true});
  });

  const dataset = async (directory: string) => {
    await mkdir(join(directory, 'docs'), {recursive: true});
    for (let i = 0; i < 30; i++) await writeFile(join(directory, 'docs', `doc-${String(i).padStart(2, '0')}.txt`), `text number ${i}\n`);
    return join(directory, 'docs');
  };

  test.serial('prepare-data records into postgres, runs:migrate copies between any two stores, listings agree', async (t) => {
    const dir = join(work, 'migrate');
    const input = await dataset(dir);
    const url = cluster.url('postgres', PASSWORD);
    const pgStore = [
      '--set',
      'manifest.store=postgres',
      '--set',
      `manifest.postgres.url=${url}`,
      '--set',
      'manifest.postgres.schema=cli_a',
    ];
    const outputs: string[] = [];
    const run = async (args: string[]) => {
      const result = await codex(args, dir);
      outputs.push(result.stdout, result.stderr);
      t.is(result.code, 0, result.stderr);
      return result;
    };
    await run(['prepare-data', '--input', input, '--seed', '1', '--json']);
    await run(['prepare-data', '--input', input, '--seed', '2', '--json']);
    const direct = JSON.parse((await run(['prepare-data', '--input', input, '--seed', '3', '--json', ...pgStore])).stdout);

    // fs → postgres → sqlite, then postgres → fs: every store ends with the same three runs. (Run directories
    // hold their manifest whatever the store, so the fs store already lists the run recorded into postgres.)
    t.like(JSON.parse((await run(['runs:migrate', '--from', 'fs', '--to', 'postgres', '--json', ...pgStore])).stdout), {
      total: 3,
      copied: 2,
      unchanged: 1,
    });
    t.like(JSON.parse((await run(['runs:migrate', '--from', 'postgres', '--to', 'sqlite', '--json', ...pgStore])).stdout), {
      total: 3,
      copied: 3,
    });
    t.like(JSON.parse((await run(['runs:migrate', '--from', 'postgres', '--to', 'fs', '--json', ...pgStore])).stdout), {
      total: 3,
      copied: 0,
      unchanged: 3,
    });
    const list = async (store: string[], ...filters: string[]) =>
      JSON.parse((await run(['runs:list', '--json', ...store, ...filters])).stdout).runs;
    const fromPostgres = await list(pgStore);
    t.is(fromPostgres.length, 3);
    t.deepEqual(await list(['--set', 'manifest.store=sqlite']), fromPostgres);
    t.deepEqual(await list([]), fromPostgres);
    t.deepEqual(await list(pgStore, '--dataset', direct.datasetId, '--newest', '--limit', '1'), [fromPostgres[2]]);
    t.deepEqual(
      (await list(pgStore, '--kind', 'data')).map((run: {runId: string}) => run.runId),
      fromPostgres.map((run: {runId: string}) => run.runId),
    );
    const shown = JSON.parse((await run(['runs:show', direct.runId, '--json', ...pgStore])).stdout);
    t.is(shown.runId, direct.runId);
    const verified = await run(['runs:verify', direct.runId, '--json', ...pgStore]);
    t.truthy(verified.stdout);
    t.false(outputs.join('').includes(PASSWORD), 'a password appeared in the output');
  });

  test.serial('credentials come from the URL or PG* variables and are never printed', async (t) => {
    const dir = join(work, 'credentials');
    await mkdir(dir, {recursive: true});
    const url = cluster.url('postgres', PASSWORD);
    const shown = await codex(['config:show', '--json', '--set', `manifest.postgres.url=${url}`], dir);
    t.is(shown.code, 0, shown.stderr);
    const entry = JSON.parse(shown.stdout).entries.find((e: {key: string}) => e.key === 'manifest.postgres.url');
    t.is(entry.value, `postgres://codex:***@127.0.0.1:${cluster.port}/postgres`);
    const human = await codex(['config:show', '--set', `manifest.postgres.url=${url}`], dir);
    t.false(human.stdout.includes(PASSWORD));

    // PG* variables alone select the server; the password variable is never echoed either.
    const env = {PGHOST: '127.0.0.1', PGPORT: String(cluster.port), PGUSER: 'codex', PGDATABASE: 'postgres', PGPASSWORD: PASSWORD};
    const listed = await codex(['runs:list', '--json', '--set', 'manifest.store=postgres'], dir, env);
    t.is(listed.code, 0, listed.stderr);
    t.deepEqual(JSON.parse(listed.stdout).runs, []);

    // A server that is not there: one line naming it with the password masked, a config exit code.
    const closed = cluster.url('postgres', PASSWORD).replace(`:${cluster.port}/`, ':1/');
    for (const [args, extra] of [
      [['runs:list', '--set', 'manifest.store=postgres', '--set', `manifest.postgres.url=${closed}`], {}],
      [['runs:list', '--set', 'manifest.store=postgres', '--verbose'], {...env, PGPORT: '1'}],
      [['runs:list', '--set', 'manifest.store=postgres', '--set', 'manifest.postgres.url=mysql://root:pw-Xq7-never-shown@h/db'], {}],
    ] as const) {
      const failed = await codex(args, dir, extra);
      t.is(failed.code, 3, failed.stderr);
      t.false(failed.stderr.includes(PASSWORD), failed.stderr);
      t.regex(
        failed.stderr.split('\n').find((line) => line.startsWith('Error:')) ?? '',
        /^Error: (cannot open postgres:\/\/codex(:\*\*\*)?@127\.0\.0\.1:1\/postgres|manifest\.postgres\.url is not usable)/,
      );
    }
  });
}
