import test from 'ava';
import {runCli} from '../helpers/run-cli.js';

test('--help lists the topics and commands', async (t) => {
  const result = await runCli(['--help']);
  t.is(result.code, 0);
  for (const name of ['hash', 'backends', 'config', 'plugins']) t.regex(result.stdout, new RegExp(`\\b${name}\\b`));
});

test('a mistyped command suggests the right one and exits non-zero', async (t) => {
  const result = await runCli(['backend']);
  t.not(result.code, 0);
  t.regex(result.stderr, /backends/);
});

test('autocomplete is available', async (t) => {
  const result = await runCli(['autocomplete', '--help']);
  t.is(result.code, 0);
  t.regex(result.stdout, /autocomplete/);
});

test('backends --json lists the hashers with their plugin and version', async (t) => {
  const result = await runCli(['backends', '--json']);
  t.is(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as {hasher: Array<{name: string; plugin: string; version: string; selected: boolean}>};
  const names = json.hasher.map((row) => row.name);
  for (const name of ['blake3', 'sha256', 'xxh3']) t.true(names.includes(name));
  t.true(json.hasher.every((row) => row.plugin === '@codex-ml/plugin-hashers' && /^\d+\.\d+\.\d+/.test(row.version)));
  t.deepEqual(
    json.hasher.filter((row) => row.selected).map((row) => row.name),
    ['blake3'],
  );
});

test('config:show reports each value with its source', async (t) => {
  const result = await runCli(['config:show', '--json', '--set', 'data.seed=5'], {env: {CODEX_HASHER: 'sha256'}});
  t.is(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as {entries: Array<{key: string; value: unknown; source: string}>};
  const byKey = new Map(json.entries.map((entry) => [entry.key, entry]));
  t.deepEqual(byKey.get('hasher'), {...byKey.get('hasher'), value: 'sha256', source: 'env CODEX_HASHER'});
  t.deepEqual(byKey.get('data.seed'), {...byKey.get('data.seed'), value: 5, source: '--set'});
  const text = await runCli(['config:show', '--set', 'hasher=xxh3']);
  t.regex(text.stdout, /^hasher\s+"xxh3"\s+# --set \(backend\)$/m);
});

test('config:show rejects an unknown backend name', async (t) => {
  const result = await runCli(['config:show', '--set', 'hasher=nope']);
  t.is(result.code, 3);
  t.regex(result.stderr, /unknown hasher backend "nope"/);
});
