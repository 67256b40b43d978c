import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

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

test('every topic is described in its own words, not by one of its commands', async (t) => {
  const result = await runCli(['--help']);
  const topics = result.stdout.split('TOPICS\n')[1]?.split('\n\n')[0] ?? '';
  const commands = JSON.parse(await readFile(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {summary?: string}>;
  };
  const summaries = new Set(Object.values(commands.commands).map((command) => command.summary));
  const described = [...topics.matchAll(/^ {2}(\S+)\s+(.+)$/gm)].map(([, name, text]) => [name, text]);
  t.deepEqual(
    described.map(([name]) => name),
    ['config', 'data', 'plugins', 'runs', 'tokenizer'],
  );
  for (const [name, text] of described) t.false(summaries.has(text), `${name}: ${text}`);
});

test('each usage error is one line naming the argument or flag at fault, with exit code 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['evaluate'],
      /^Error: missing argument RUN \(Training run: a run id, a unique prefix of one, latest, or its directory\) — usage: codex evaluate RUN \[FLAGS\]$/,
    ],
    [
      ['tokenizer:validate'],
      /^Error: missing required flag --tokenizer \(tokenizer\.json to check\) — see codex tokenizer:validate --help$/,
    ],
    [['tokenizer:train', '--vocab-szie', '3'], /^Error: unknown flag --vocab-szie \(did you mean --vocab-size\?\)/],
    [['hash', 'x', '--threads', '0'], /^Error: --threads: expected an integer greater than or equal to 1 but received: 0/],
    [['prepare-data', '--format', 'xml'], /^Error: expected --format=xml to be one of: auto, directory, jsonl, txt, brown/],
    [['prepare-data', '--shard', '1/2'], /^Error: all of the following must be provided when using --shard: --out/],
    [['runs:show', 'a', 'b'], /^Error: unexpected argument "b" — usage: codex runs:show ID \[FLAGS\]$/],
    [['export', 'latest', '--out', 'x'], /^Error: missing required flag --format \(hf or onnx\)/],
  ];
  for (const [args, expected] of cases) {
    const result = await runCli(args);
    t.is(result.code, 2, args.join(' '));
    t.regex(result.stderr.trim(), expected, args.join(' '));
    t.true(isOneLineError(result.stderr), result.stderr);
  }
  const json = await runCli(['evaluate', '--json']);
  t.like(JSON.parse(json.stdout), {
    error: {
      code: 'E_USAGE',
      message: 'missing argument RUN (Training run: a run id, a unique prefix of one, latest, or its directory)',
      exitCode: 2,
    },
  });
});

test('a mistyped backend name gets a suggestion', async (t) => {
  const result = await runCli(['config:show', '--set', 'data.splitter=stratifed']);
  t.is(result.code, 3);
  t.regex(result.stderr, /unknown splitter backend "stratifed" \(did you mean "stratified"\?\); registered: /);
});

test('topics take a space as well as a colon: codex runs list is codex runs:list', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const spaced = await runCli(['runs', 'list', '--json'], {cwd: dir.path});
  const colon = await runCli(['runs:list', '--json'], {cwd: dir.path});
  t.is(spaced.code, 0, spaced.stderr);
  t.deepEqual(JSON.parse(spaced.stdout), JSON.parse(colon.stdout));
  const missing = await runCli(['data', 'verify'], {cwd: dir.path});
  t.is(missing.code, 2, 'a usage error, not the topic help with exit 0');
  t.regex(missing.stderr, /missing argument RUN/);
  const typo = await runCli(['runs', 'lst'], {cwd: dir.path});
  t.is(typo.code, 127);
  t.regex(typo.stderr, /"runs:lst" is not a codex command\. Did you mean "runs:list"\?/);
  const topic = await runCli(['runs'], {cwd: dir.path});
  t.is(topic.code, 0, 'a topic alone still shows its help');
  t.regex(topic.stdout, /runs:compare/);
});

test('the README’s claim about global flags holds for every codex command', async (t) => {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  t.regex(readme, /Every codex command takes `--json`, `--config FILE`, `--set key=value` and `--verbose`/);
  const snapshot = JSON.parse(await readFile(join(repoRoot, 'command-snapshot.json'), 'utf8')) as Array<{
    command: string;
    plugin: string;
    flags: string[];
  }>;
  for (const entry of snapshot.filter((candidate) => candidate.plugin === 'codex-ml')) {
    for (const flag of ['json', 'config', 'set', 'verbose']) t.true(entry.flags.includes(flag), `${entry.command} --${flag}`);
  }
  const others = [...new Set(snapshot.filter((entry) => entry.plugin !== 'codex-ml').map((entry) => entry.command.split(':')[0]))];
  t.deepEqual(others.sort(), ['autocomplete', 'help', 'plugins']);
  const verbose = await runCli(['config:show', '--verbose', '--set', 'hasher=nope']);
  t.regex(verbose.stderr, /^config: /m);
  t.regex(verbose.stderr, /\n\s+at /, '--verbose shows the stack');
});
