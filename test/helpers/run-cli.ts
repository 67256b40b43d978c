import {spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

/** Repository root (tests run from dist/test/…). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The real CLI entry point. */
export const cliPath = join(repoRoot, 'bin', 'run.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly input?: string | Uint8Array;
  readonly timeoutMs?: number;
}

/**
 * Runs `codex <args>` as a real child process. The environment is the test's, minus CODEX_* and DEBUG
 * (so a developer's shell cannot change results), with colour off (CI=true makes oclif colour its output,
 * and tests compare text), plus `options.env`.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('CODEX_') && key !== 'DEBUG' && key !== 'NODE_V8_COVERAGE_DISABLED') env[key] = value;
  }
  env.NO_COLOR = '1';
  env.FORCE_COLOR = '0';
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {cwd: options.cwd ?? repoRoot, env, stdio: ['pipe', 'pipe', 'pipe']});
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8')});
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'codex-test-'): Promise<{path: string; cleanup: () => Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {path, cleanup: () => rm(path, {recursive: true, force: true})};
}

/**
 * Environment of a private CLI home under `root`: plugins installed or linked there land in `<root>/data/codex`,
 * never in the user's plugins.
 */
export function privateHome(root: string): Record<string, string> {
  return {
    HOME: root,
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_CACHE_HOME: join(root, 'cache'),
  };
}

/** Asserts the shape of a user-facing failure: one line, no stack trace. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('warning:'));
  return lines.length === 1 && !/\n\s+at /.test(stderr) && !stderr.includes('    at ');
}

/** A running CLI child, for tests that interleave commands or signal them. */
export interface CliChild {
  readonly child: import('node:child_process').ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr contains `text`; rejects if the child exits first. */
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<CliResult>;
}

/** Starts `codex <args>` like `runCli` (same environment rules) without waiting for it. */
export function startCli(args: readonly string[], options: Omit<CliOptions, 'input' | 'timeoutMs'> = {}): CliChild {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('CODEX_') && key !== 'DEBUG') env[key] = value;
  }
  env.NO_COLOR = '1';
  env.FORCE_COLOR = '0';
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [cliPath, ...args], {cwd: options.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe']});
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const waiter of waiters.splice(0)) waiter();
  });
  const exited = new Promise<CliResult>((resolvePromise) =>
    child.on('close', (code, signal) => resolvePromise({code, signal, stdout, stderr})),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStderr: (text, timeoutMs = 120_000) =>
      new Promise<void>((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; stderr: ${stderr}`)), timeoutMs);
        const check = () => {
          if (stderr.includes(text)) {
            clearTimeout(timer);
            resolvePromise();
          } else waiters.push(check);
        };
        check();
        void exited.then(() => {
          clearTimeout(timer);
          if (!stderr.includes(text)) reject(new Error(`exited before "${text}"; stderr: ${stderr}`));
        });
      }),
  };
}
