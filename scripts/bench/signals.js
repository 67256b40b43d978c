#!/usr/bin/env node
// Time from SIGTERM to exit while `codex train` allocates its model, tokenizes its data and writes a checkpoint.
// Each phase is reached through a pause point (CODEX_TEST_PAUSE): the process stops there, is continued with
// SIGCONT, and gets SIGTERM `delayMs` later, inside the phase. A larger model than the tests use makes each
// phase last long enough to be hit. Prints wall milliseconds from the signal to the exit, best and worst of N.
import {spawn} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'run.js');
const repeats = Number(process.env.REPEATS ?? 3);

function run(args, cwd, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {cwd, env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({code, stdout, stderr}));
  });
}

async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), 'codex-bench-signals-'));
  await mkdir(join(dir, 'data'));
  const words = 'the a cat dog sat on mat ran fast slow big small red blue house tree river sun moon star light dark'.split(' ');
  let state = 1;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  for (let document = 0; document < 400; document++) {
    let text = '';
    for (let index = 0; index < 2000; index++) text += `${words[Math.floor(next() * words.length)]}${index % 9 === 8 ? '.\n' : ' '}`;
    await writeFile(join(dir, 'data', `doc${document}.txt`), text);
  }
  const prepared = await run(['prepare-data', '--input', 'data', '--json'], dir);
  const dataRun = JSON.parse(prepared.stdout).runId;
  await run(['tokenizer:train', '--input', dataRun, '--vocab-size', '2000', '--out', 'tok', '--json'], dir);
  await writeFile(
    join(dir, 'train.yaml'),
    `training:\n  tfjs:\n    layers: 6\n    dModel: 512\n    heads: 8\n  model:\n    contextLength: 64\n  batchSize: 2\n  steps: 2\n  evalInterval: 0\n  checkpointInterval: 1\n  tokenizer: tok/tokenizer.json\n  data: ${dataRun}\n`,
  );
  return dir;
}

async function signalled(dir, point, delayMs, fresh) {
  if (fresh) await rm(join(dir, '.codex', 'cache', 'tokens'), {recursive: true, force: true});
  const child = spawn(process.execPath, [cli, 'train', '--config', 'train.yaml', '--json'], {
    cwd: dir,
    env: {...process.env, CODEX_TEST_PAUSE: point},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  await new Promise((resolve) => {
    child.stderr.on('data', (chunk) => {
      if (String(chunk).includes(`paused at ${point}`)) resolve();
    });
  });
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  child.kill('SIGCONT');
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const sent = performance.now();
  child.kill('SIGTERM');
  const code = await exited;
  const ms = performance.now() - sent;
  let json = false;
  try {
    json = JSON.parse(stdout).error.code === 'E_INTERRUPTED';
  } catch {}
  return {ms, code, json};
}

const dir = await workspace();
try {
  for (const [phase, point, delay, fresh] of [
    ...(process.env.ONLY === 'checkpoint' ? [] : [['model allocation', 'train:allocate', 20, false]]),
    ...(process.env.ONLY === 'checkpoint' ? [] : [['tokenization', 'train:tokenize', 150, true]]),
    ['checkpoint write', 'checkpoint:write', 30, false],
  ]) {
    const results = [];
    for (let index = 0; index < repeats; index++) results.push(await signalled(dir, point, delay, fresh));
    const times = results.map((result) => result.ms).sort((a, b) => a - b);
    console.log(
      `${phase.padEnd(18)} SIGTERM→exit best ${times[0].toFixed(0)} ms, worst ${times.at(-1).toFixed(0)} ms; exit codes ${[...new Set(results.map((r) => r.code))].join(',')}; one JSON error object: ${results.every((r) => r.json)}`,
    );
  }
} finally {
  await rm(dir, {recursive: true, force: true});
}
