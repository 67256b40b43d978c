import {type ChildProcess, spawn} from 'node:child_process';
import {mkdir, readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {cliPath, runCli} from '../helpers/run-cli.js';

/** The tiny model every CLI training test uses (seconds per run on 2 cores), as a YAML config file. */
const TINY_CONFIG = `training:
  tfjs:
    layers: 1
    dModel: 32
    heads: 2
  model:
    contextLength: 16
  batchSize: 4
  evalBatches: 2
  tokenizer: tok/tokenizer.json
`;

/**
 * A workspace with a toy corpus split by the real `codex prepare-data`, a BPE tokenizer trained on the train
 * split by the real `codex tokenizer:train`, and `train.yaml` pointing `codex train` at both.
 */
export async function createWorkspace(dir: string): Promise<{dataRunId: string}> {
  await writeCorpus(join(dir, 'data'));
  const dataRunId = await prepareData(dir, 'data');
  const trained = await runCli(['tokenizer:train', '--input', dataRunId, '--vocab-size', '300', '--out', 'tok', '--json'], {cwd: dir});
  if (trained.code !== 0) throw new Error(`tokenizer:train failed: ${trained.stderr}${trained.stdout}`);
  await writeFile(join(dir, 'train.yaml'), `${TINY_CONFIG}  data: ${dataRunId}\n`);
  return {dataRunId};
}

/** Twelve small documents of a toy language. */
export async function writeCorpus(dir: string): Promise<void> {
  const words = 'the a cat dog sat on mat ran fast slow big small red blue house tree river sun moon star light dark'.split(' ');
  let state = 1;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 0x100000000;
  };
  await mkdir(dir, {recursive: true});
  for (let document = 0; document < 12; document++) {
    let text = '';
    for (let index = 0; index < 300; index++) text += `${words[Math.floor(next() * words.length)]}${index % 9 === 8 ? '.\n' : ' '}`;
    await writeFile(join(dir, `doc${String(document).padStart(2, '0')}.txt`), text);
  }
}

/** `codex prepare-data --input <input>` in `cwd`; returns the data run id. */
export async function prepareData(cwd: string, input: string): Promise<string> {
  const prepared = await runCli(['prepare-data', '--input', input, '--json'], {cwd});
  if (prepared.code !== 0) throw new Error(`prepare-data failed: ${prepared.stderr}${prepared.stdout}`);
  return (JSON.parse(prepared.stdout) as {runId: string}).runId;
}

/** `codex train …` in `cwd`, to completion. */
export function train(cwd: string, args: readonly string[], env: Record<string, string> = {}) {
  return runCli(['train', ...configFor(args), ...args], {cwd, env, timeoutMs: 120_000});
}

/** A resumed run takes its config from its snapshot, so `--config` goes only to new runs. */
function configFor(args: readonly string[]): string[] {
  return args.includes('--resume') ? [] : ['--config', 'train.yaml'];
}

/** A running `codex train` child, for tests that kill it. */
export interface TrainingChild {
  readonly child: ChildProcess;
  stderr(): string;
  /** Resolves when stderr contains `text`. */
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

export function startTraining(cwd: string, args: readonly string[], env: Record<string, string> = {}): TrainingChild {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !key.startsWith('CODEX_') && key !== 'DEBUG') childEnv[key] = value;
  const child = spawn(process.execPath, [cliPath, 'train', ...configFor(args), ...args], {
    cwd,
    env: {...childEnv, ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const waiters: Array<{text: string; resolve: () => void}> = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const waiter of waiters.splice(0)) {
      if (stderr.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  child.stdout?.resume();
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) =>
    child.on('close', (code, signal) => resolve({code, signal})),
  );
  return {
    child,
    stderr: () => stderr,
    exited,
    waitForStderr: (text, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; stderr: ${stderr}`)), timeoutMs);
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          if (!stderr.includes(text)) reject(new Error(`exited before "${text}"; stderr: ${stderr}`));
        });
      }),
  };
}

/** The parsed `--json` result of a successful run. */
export function jsonResult(stdout: string): {runId: string; runDir: string; steps: number; finalLoss: number; resumedFrom: number | null} {
  return JSON.parse(stdout);
}

/** The lines of a run's metrics.ndjson, parsed. */
export async function metricsOf(runDir: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(join(runDir, 'metrics.ndjson'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The one run directory in `runsDir`; throws when there are none or several. */
export async function onlyRun(runsDir: string): Promise<string> {
  const runs = (await readdir(runsDir)).filter((name) => /^[0-9A-Z]{26}$/.test(name));
  if (runs.length !== 1) throw new Error(`expected one run in ${runsDir}, found ${runs.join(', ')}`);
  return join(runsDir, runs[0] as string);
}

/**
 * Waits until the run that `training` writes under `runsDir` has logged `step` in its metrics, polling the file
 * the run appends to; throws if the run ends first.
 */
export async function untilStepLogged(training: ReturnType<typeof startTraining>, runsDir: string, step: number): Promise<void> {
  for (;;) {
    const text = await readFile(join(await onlyRun(runsDir).catch(() => runsDir), 'metrics.ndjson'), 'utf8').catch(() => '');
    if (text.includes(`"step":${step},`)) return;
    if (training.child.exitCode !== null) throw new Error(`the run ended before step ${step} was logged: ${training.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
