import {execFile} from 'node:child_process';
import {mkdir, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {cliPath, isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {brownCorpus} from './cli_corpus.js';

/** Runs a failing command in a fresh directory and checks the shape every failure must have. */
async function failure(
  t: import('ava').ExecutionContext,
  prepare: (dir: string) => Promise<string[]>,
  pattern: RegExp,
  exitCode: number,
  input?: string,
): Promise<string> {
  const dir = await tempDir('codex-tok-errors-');
  t.teardown(dir.cleanup);
  const args = await prepare(dir.path);
  const result = await runCli(args, {cwd: dir.path, input});
  t.is(result.code, exitCode, result.stderr);
  t.true(isOneLineError(result.stderr), result.stderr);
  t.regex(result.stderr, pattern);
  t.is(result.stdout, '');
  return dir.path;
}

test('an empty corpus is refused', (t) =>
  failure(
    t,
    async (dir) => {
      await mkdir(join(dir, 'c'));
      await writeFile(join(dir, 'c', 'empty.txt'), '\n\n');
      return ['tokenizer:train', '--input', 'c'];
    },
    /holds no text/,
    4,
  ));

test('a binary file is refused, naming the offset', (t) =>
  failure(
    t,
    async (dir) => {
      await writeFile(join(dir, 'blob.bin'), Buffer.from([0x47, 0x49, 0x46, 0x00, 0x01, 0xff]));
      return ['tokenizer:train', '--input', 'blob.bin'];
    },
    /blob\.bin looks binary \(NUL byte at offset 3\)/,
    4,
  ));

test('invalid UTF-8 is refused, naming the line and byte', (t) =>
  failure(
    t,
    async (dir) => {
      await writeFile(join(dir, 'latin1.txt'), Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]));
      return ['tokenizer:train', '--input', 'latin1.txt'];
    },
    /latin1\.txt:1: invalid UTF-8 at byte offset 3 — .*--on-invalid-utf8 replace/,
    4,
  ));

test('a vocabulary smaller than the alphabet plus the special tokens is refused, leaving no run behind', async (t) => {
  const dir = await failure(
    t,
    async (path) => {
      await brownCorpus(join(path, 'c'), 1);
      return ['tokenizer:train', '--input', 'c', '--vocab-size', '200'];
    },
    /vocab size 200 is smaller than the alphabet \(256\) plus special tokens \(3\)/,
    3,
  );
  t.deepEqual(await readdir(join(dir, 'runs')).catch(() => []), [], 'the failed run was removed');
});

test('training without any input is a usage error', (t) => failure(t, async () => ['tokenizer:train'], /no input given/, 2));

test('a tokenizer file of an unknown format version is refused', (t) =>
  failure(
    t,
    async (dir) => {
      await writeFile(join(dir, 't.json'), JSON.stringify({version: '9.9', model: {type: 'BPE', vocab: {}, merges: []}}));
      return ['tokenizer:encode', '--tokenizer', 't.json', 'hello'];
    },
    /t\.json has format version "9\.9"/,
    4,
  ));

test('a tokenizer file with a __proto__ key is refused', (t) =>
  failure(
    t,
    async (dir) => {
      await writeFile(
        join(dir, 't.json'),
        '{"version": "1.0", "model": {"type": "BPE", "vocab": {"__proto__": {"polluted": 1}}, "merges": []}}',
      );
      return ['tokenizer:encode', '--tokenizer', 't.json', 'hello'];
    },
    /forbidden key "__proto__"/,
    4,
  ));

test('a tokenizer file that is not JSON is refused', (t) =>
  failure(
    t,
    async (dir) => {
      await writeFile(join(dir, 't.json'), '{"version": "1.0", "model": ');
      return ['tokenizer:decode', '--tokenizer', 't.json', '1'];
    },
    /t\.json is not valid JSON/,
    4,
  ));

test('decode refuses ids outside the vocabulary and malformed lines, naming the line', async (t) => {
  const trained = await tempDir('codex-tok-errors-');
  t.teardown(trained.cleanup);
  await brownCorpus(join(trained.path, 'c'), 1);
  const train = await runCli(['tokenizer:train', '--input', 'c', '--vocab-size', '300', '--out', 'tok'], {cwd: trained.path});
  t.is(train.code, 0, train.stderr);
  const tokenizer = join(trained.path, 'tok', 'tokenizer.json');
  await failure(t, async () => ['tokenizer:decode', '--tokenizer', tokenizer], /stdin:1: id 300 is out of range/, 4, '{"ids": [300]}\n');
  // Under --json the lines decoded so far stay on stdout and the error is the last JSON line.
  const json = await runCli(['tokenizer:decode', '--tokenizer', tokenizer, '--json'], {input: '{"ids": [1, 2]}\n{"ids": [300]}\n'});
  t.is(json.code, 4);
  const lines = json.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as {text?: string; error?: {code: string; message: string}});
  t.deepEqual(lines[0], {text: ''});
  t.is(lines[1]?.error?.code, 'E_TOKENIZER');
  t.regex(lines[1]?.error?.message ?? '', /stdin:2: id 300 is out of range/);
  await failure(t, async () => ['tokenizer:decode', '--tokenizer', tokenizer], /stdin:1 holds -3, not a token id/, 4, '1 -3\n');
  await failure(t, async () => ['tokenizer:decode', '--tokenizer', tokenizer], /stdin:1 has no "ids" array/, 4, '{"text": "x"}\n');
});

test('a truncation length below 1 is refused naming the config file that set it', (t) =>
  failure(
    t,
    async (dir) => {
      await writeFile(join(dir, 'encode.yaml'), 'tokenizer:\n  encode:\n    truncation:\n      maxLength: 0\n');
      return ['tokenizer:encode', '--tiktoken', 'gpt2', '--config', 'encode.yaml', 'hello'];
    },
    /^Error: encode\.yaml: tokenizer\.encode\.truncation\.maxLength must be >= 1, got 0 — set it to a positive integer or null$/m,
    3,
  ));

test('a stride as long as the truncation length is refused', (t) =>
  failure(
    t,
    async () => ['tokenizer:encode', '--tiktoken', 'gpt2', '--max-length', '3', '--stride', '3', 'hello'],
    /^Error: tokenizer\.encode\.truncation\.stride 3 must be smaller than maxLength 3 — lower --stride or raise --max-length$/m,
    3,
  ));

/**
 * Runs `codex <args>` with its standard input, output and error on a pseudo-terminal, as when typed at a shell,
 * through util-linux `script` (`-e`: its exit code is the command's).
 */
function runInTerminal(args: readonly string[], cwd: string): Promise<{code: number | null; output: string}> {
  const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
  const env: Record<string, string> = {NO_COLOR: '1', FORCE_COLOR: '0'};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('CODEX_') && key !== 'DEBUG' && !(key in env)) env[key] = value;
  }
  const command = [process.execPath, cliPath, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    execFile('script', ['-qec', command, '/dev/null'], {cwd, env, timeout: 60_000}, (error, stdout) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({code: error ? (error.code as number) : 0, output: stdout});
    });
  });
}

test('encode and decode given no input on a terminal say how to give it instead of waiting for typing', async (t) => {
  const dir = await tempDir('codex-tok-tty-');
  t.teardown(dir.cleanup);
  for (const [command, alternatives] of [
    ['tokenizer:encode', 'TEXT, --file F'],
    ['tokenizer:decode', 'ids, --file F'],
  ] as const) {
    const result = await runInTerminal([command, '--tiktoken', 'gpt2'], dir.path);
    t.is(result.code, 2, result.output);
    t.is(result.output.trim(), `Error: no input: pass ${alternatives}, or pipe it on stdin — see --help for examples`);
  }
});
