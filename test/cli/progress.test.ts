import {spawn} from 'node:child_process';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {formatBytes, formatCount, formatSeconds} from '../../src/cli/format.js';
import {progressEnabled} from '../../src/cli/progress-bar.js';
import {cliPath, runCli, tempDir} from '../helpers/run-cli.js';

/** Runs the CLI with a pseudo-terminal as its stdin, stdout and stderr (util-linux `script`): what a person sees. */
function inTerminal(args: readonly string[], env: Record<string, string | undefined>): Promise<{code: number | null; output: string}> {
  const command = [process.execPath, cliPath, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  const childEnv: Record<string, string> = {TERM: 'xterm'};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('CODEX_') && key !== 'CI' && key !== 'NO_COLOR' && key !== 'FORCE_COLOR')
      childEnv[key] = value;
  }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], {env: childEnv, stdio: ['ignore', 'pipe', 'pipe']});
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({code, output}));
  });
}

test('numbers read the same everywhere: sizes, counts, durations (never "eta 48558s")', (t) => {
  t.is(formatSeconds(48558), '13h29m');
  t.is(formatSeconds(3.14), '3.1s');
  t.is(formatSeconds(65), '1m05s');
  t.is(formatSeconds(200_000), '2d07h');
  t.is(formatSeconds(Number.NaN), '?');
  t.is(formatBytes(999), '999 B');
  t.is(formatBytes(999_960), '1.0 MB');
  t.is(formatBytes(2_147_483_648), '2.1 GB');
  t.is(formatCount(1234567), '1,234,567');
});

test('progress is drawn only for a terminal: not under --json, not with CI or TERM=dumb, not when stderr is not a TTY', (t) => {
  t.true(progressEnabled(false, {}, true));
  t.false(progressEnabled(true, {}, true));
  t.true(progressEnabled(true, {CODEX_PROGRESS: 'stderr'}, true), 'a pipeline stage reads the JSON and shows the progress');
  t.false(progressEnabled(false, {CI: 'true'}, true));
  t.true(progressEnabled(false, {CI: 'false'}, true));
  t.false(progressEnabled(false, {TERM: 'dumb'}, true));
  t.false(progressEnabled(false, {}, false));
});

test('codex hash in a terminal draws one progress line; never with --json, CI, TERM=dumb, or without a TTY', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const file = join(dir.path, 'big.bin');
  await writeFile(file, Buffer.alloc(32 << 20, 7));
  const args = ['hash', file, '--hasher', 'sha256', '--threads', '1'];

  const shown = await inTerminal(args, {});
  t.is(shown.code, 0, shown.output);
  // The bar is coloured with ESC[36m (cyan), ESC[2m (dim) and ESC[0m (reset).
  const bar = String.raw`\[\x1b\[36m#*\x1b\[2m\.*\x1b\[0m\]`;
  const amounts = String.raw` +\d+% {2}[\d.]+ [KMG]?B/[\d.]+ [KMG]?B {2}[\d.]+ [KMG]?B/s {2}(eta|\d)`;
  t.regex(shown.output, new RegExp(`\rhashing {2}${bar}${amounts}`));
  t.notRegex(shown.output, /eta \d{3,}s/);
  t.regex(shown.output, /[0-9a-f]{64} {2}.*big\.bin/);

  const plain = await inTerminal(args, {NO_COLOR: '1'});
  t.regex(plain.output, /\rhashing {2}\[#*\.*\]/, 'NO_COLOR: the same line without colour');
  t.false(plain.output.includes('\u001b[36m'));

  for (const [what, extra, env] of [
    ['--json', ['--json'], {}],
    ['CI', [], {CI: 'true'}],
    ['TERM=dumb', [], {TERM: 'dumb'}],
  ] as const) {
    const quiet = await inTerminal([...args, ...extra], env);
    t.is(quiet.code, 0, quiet.output);
    t.false(quiet.output.includes('hashing'), `${what}: ${JSON.stringify(quiet.output.slice(0, 200))}`);
  }
  const json = await inTerminal([...args, '--json'], {});
  t.is((JSON.parse(json.output) as {files: unknown[]}).files.length, 1, 'the JSON is all there is');

  const piped = await runCli(args);
  t.is(piped.code, 0);
  t.is(piped.stderr, '', 'no TTY, no progress');
});
