import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {type CodexError, resolveConfig} from '@codex-ml/core';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';

test('a CODEX_* variable that names no key is a warning with the nearest key, not silence', async (t) => {
  const config = resolveConfig({env: {CODEX_HASHR: 'sha256', CODEX_DATA_SEED: '7', CODEX_PROGRESS: 'stderr', CODEX_NOTHING_LIKE_IT: '1'}});
  t.is(config.get('data.seed'), 7);
  t.is(config.get('hasher'), 'blake3', 'the misspelt variable changed nothing');
  t.deepEqual(config.warnings, [
    'environment variable CODEX_HASHR names no config key and is ignored; did you mean CODEX_HASHER (hasher)?',
    'environment variable CODEX_NOTHING_LIKE_IT names no config key and is ignored',
  ]);
  const shown = await runCli(['config:show', '--json'], {env: {CODEX_TRAINING_STPES: '5'}});
  t.is(shown.code, 0, shown.stderr);
  t.is(
    shown.stderr,
    'warning: environment variable CODEX_TRAINING_STPES names no config key and is ignored; did you mean CODEX_TRAINING_STEPS (training.steps)?\n',
  );
});

test('a YAML alias bomb is refused in one line naming the file', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
  for (const [name, previous] of [
    ['b', 'a'],
    ['c', 'b'],
    ['d', 'c'],
    ['e', 'd'],
    ['f', 'e'],
    ['g', 'f'],
    ['h', 'g'],
  ]) {
    lines.push(`${name}: &${name} [${Array.from({length: 9}, () => `*${previous}`).join(', ')}]`);
  }
  const file = join(dir.path, 'bomb.yaml');
  await writeFile(file, `${lines.join('\n')}\n`);
  const error = t.throws<CodexError>(() => resolveConfig({file}));
  t.is(error?.code, 'E_CONFIG');
  t.regex(error?.message ?? '', new RegExp(`^${file}: invalid YAML: .*alias`));
  const cli = await runCli(['config:show', '--config', file], {cwd: dir.path});
  t.is(cli.code, 3);
  t.true(isOneLineError(cli.stderr), cli.stderr);
  t.true(cli.stderr.includes(file), cli.stderr);
});

test('seeds are exact integers from 0 to 2^53 − 1: 2^64 is refused, not rounded', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const largest = resolveConfig({sets: ['data.seed=9007199254740991', 'training.seed=0']});
  t.is(largest.get('data.seed'), Number.MAX_SAFE_INTEGER);
  t.is(largest.get('training.seed'), 0);
  const file = join(dir.path, 'seed.yaml');
  await writeFile(file, 'training:\n  seed: 18446744073709551616\n');
  for (const inputs of [
    {sets: ['data.seed=18446744073709551616']},
    {env: {CODEX_DATA_SEED: '-1'}},
    {sets: ['training.seed=1.5']},
    {file},
  ]) {
    const error = t.throws<CodexError>(() => resolveConfig(inputs), undefined, JSON.stringify(inputs));
    t.regex(error?.message ?? '', /seed: must be an integer from 0 to 2\^53 − 1 \(9007199254740991\)/);
  }
  const flag = await runCli(['prepare-data', '--seed', '18446744073709551616'], {cwd: dir.path});
  t.is(flag.code, 3);
  t.true(isOneLineError(flag.stderr), flag.stderr);
  t.regex(flag.stderr, /data\.seed: must be an integer from 0 to 2\^53 − 1/);
});
