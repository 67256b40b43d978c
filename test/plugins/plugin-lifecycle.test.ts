import {createHash} from 'node:crypto';
import {cp, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {type CliResult, privateHome, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'plugins');

interface BackendRow {
  readonly name: string;
  readonly plugin: string;
  readonly version: string;
  readonly apiRange: string;
}

interface BackendsJson {
  readonly apiVersion: string;
  readonly hasher: readonly BackendRow[];
  readonly problems: ReadonlyArray<{readonly plugin: string; readonly message: string}>;
}

/** A private CLI data/config/cache home, so tests never touch the user's plugins, plus a small file to hash. */
async function sandbox() {
  const home = await tempDir('codex-plugins-');
  const env = privateHome(home.path);
  const file = join(home.path, 'hello.txt');
  await writeFile(file, 'hello, plugins\n');
  const codex = (...args: string[]): Promise<CliResult> => runCli(args, {env, cwd: home.path});
  return {home, env, file, codex};
}

function digest(algorithm: string, text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

/**
 * Non-empty stderr lines, without warnings about the bundled plugins: those have their own tests, and a
 * half-built sibling plugin must not fail these.
 */
function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('warning: plugin @codex-ml/'));
}

test('a third-party plugin outside the workspaces is linked, selected by config, and removed again', async (t) => {
  const {home, file, codex} = await sandbox();
  t.teardown(home.cleanup);
  const link = await codex('plugins:link', join(fixtures, 'sha1-hasher'), '--no-install');
  t.is(link.code, 0, link.stderr);

  const backends = JSON.parse((await codex('backends', '--json')).stdout) as BackendsJson;
  t.like(
    backends.hasher.find((row) => row.name === 'sha1'),
    {plugin: 'codex-plugin-fixture-sha1', version: '1.2.3', apiRange: '^1.0.0'},
  );
  t.deepEqual(
    backends.problems.filter((problem) => !problem.plugin.startsWith('@codex-ml/')),
    [],
  );

  const expected = `${digest('sha1', 'hello, plugins\n')}  ${file}`;
  const bySet = await codex('hash', file, '--set', 'hasher=sha1');
  t.is(bySet.code, 0, bySet.stderr);
  t.is(bySet.stdout.trim(), expected);
  t.deepEqual(problemLines(bySet.stderr), []);

  const yaml = join(home.path, 'sha1.yaml');
  await writeFile(yaml, 'hasher: sha1\n');
  const byYaml = await codex('hash', file, '--config', yaml, '--json');
  t.is(byYaml.code, 0, byYaml.stderr);
  t.like(JSON.parse(byYaml.stdout), {hasher: 'sha1', algorithm: 'sha1', files: [{checksum: `sha1:${digest('sha1', 'hello, plugins\n')}`}]});

  const uninstall = await codex('plugins:uninstall', 'codex-plugin-fixture-sha1');
  t.is(uninstall.code, 0, uninstall.stderr);
  t.false((await codex('plugins')).stdout.includes('codex-plugin-fixture-sha1'));
  const gone = await codex('hash', file, '--set', 'hasher=sha1');
  t.not(gone.code, 0);
  t.regex(
    gone.stderr,
    /^Error: .*unknown hasher backend "sha1"; registered: blake3, blake3-native, blake3-wasm, sha256, xxh3, xxh3-native, xxh3-wasm/,
  );
  t.is(problemLines(gone.stderr).length, 1);
});

test('a plugin that throws at registration is reported in one line while built-in hashers keep working', async (t) => {
  const {home, file, codex} = await sandbox();
  t.teardown(home.cleanup);
  t.is((await codex('plugins:link', join(fixtures, 'throwing'), '--no-install')).code, 0);
  const hash = await codex('hash', file, '--hasher', 'sha256');
  t.is(hash.code, 0, hash.stderr);
  t.is(hash.stdout.trim(), `${digest('sha256', 'hello, plugins\n')}  ${file}`);
  t.deepEqual(problemLines(hash.stderr), [
    'warning: plugin codex-plugin-fixture-throwing: failed while registering: cannot find libfancyhash.so — remove it with codex plugins:uninstall codex-plugin-fixture-throwing',
  ]);
});

test('a plugin built for another core API is refused in one line, and flagged by codex backends', async (t) => {
  const {home, file, codex} = await sandbox();
  t.teardown(home.cleanup);
  t.is((await codex('plugins:link', join(fixtures, 'incompatible'), '--no-install')).code, 0);
  const hash = await codex('hash', file, '--hasher', 'sha256');
  t.is(hash.code, 0, hash.stderr);
  t.is(hash.stdout.trim(), `${digest('sha256', 'hello, plugins\n')}  ${file}`);
  t.deepEqual(problemLines(hash.stderr), [
    'warning: plugin codex-plugin-fixture-incompatible: supports core API ^2.0.0, this codex provides 1.1.0; install a version of the plugin built for 1.1.0 — remove it with codex plugins:uninstall codex-plugin-fixture-incompatible',
  ]);

  const json = JSON.parse((await codex('backends', '--json')).stdout) as BackendsJson;
  t.false(json.hasher.some((row) => row.name === 'future'));
  t.deepEqual(
    json.problems.map((problem) => problem.plugin).filter((plugin) => !plugin.startsWith('@codex-ml/')),
    ['codex-plugin-fixture-incompatible'],
  );
  t.is(json.apiVersion, '1.1.0');
  const text = await codex('backends');
  t.regex(
    text.stdout,
    /^plugin API 1\.1\.0; plugins refused or partly loaded:\n! codex-plugin-fixture-incompatible: supports core API \^2\.0\.0, this codex provides 1\.1\.0/m,
  );
});

test('a duplicate backend name is refused naming both plugins; the first registration stays in use', async (t) => {
  const {home, file, codex} = await sandbox();
  t.teardown(home.cleanup);
  t.is((await codex('plugins:link', join(fixtures, 'duplicate'), '--no-install')).code, 0);
  const hash = await codex('hash', file, '--hasher', 'sha256', '--json');
  t.is(hash.code, 0, hash.stderr);
  t.like(JSON.parse(hash.stdout), {hasher: 'sha256', files: [{checksum: `sha256:${digest('sha256', 'hello, plugins\n')}`}]});
  const [line, ...rest] = problemLines(hash.stderr);
  t.deepEqual(rest, []);
  t.regex(
    line ?? '',
    /^warning: plugin codex-plugin-fixture-duplicate: hasher "sha256" from codex-plugin-fixture-duplicate is already registered by @codex-ml\/plugin-hashers/,
  );
  const json = JSON.parse((await codex('backends', '--json')).stdout) as BackendsJson;
  t.is(json.hasher.find((row) => row.name === 'sha256')?.plugin, '@codex-ml/plugin-hashers');
});

test('installing a bare local path says, in one line, to pass it as file:', async (t) => {
  const {home, codex} = await sandbox();
  t.teardown(home.cleanup);
  await writeFile(join(home.path, 'my-plugin-1.0.0.tgz'), '');
  for (const typed of ['./my-plugin-1.0.0.tgz', 'my-plugin-1.0.0.tgz']) {
    const result = await codex('plugins:install', typed);
    t.is(result.code, 2);
    t.deepEqual(problemLines(result.stderr), [
      `Error: ${typed} is a local path, not a package or repository — install it as file:${join(home.path, 'my-plugin-1.0.0.tgz')}`,
    ]);
  }
});

test('a plugin that exits while loading or never finishes registering is one line naming it; the CLI keeps working', async (t) => {
  const {home, file, codex, env} = await sandbox();
  t.teardown(home.cleanup);
  for (const name of ['exiting', 'hanging']) t.is((await codex('plugins:link', join(fixtures, name), '--no-install')).code, 0);
  const hash = await runCli(['hash', file, '--hasher', 'sha256'], {env: {...env, CODEX_PLUGIN_TIMEOUT: '1500'}, cwd: home.path});
  t.is(hash.code, 0, hash.stderr);
  t.is(hash.stdout.trim(), `${digest('sha256', 'hello, plugins\n')}  ${file}`);
  t.deepEqual(problemLines(hash.stderr), [
    'warning: plugin codex-plugin-fixture-exiting: failed while registering: it called process.exit(3) while loading — remove it with codex plugins:uninstall codex-plugin-fixture-exiting',
    'warning: plugin codex-plugin-fixture-hanging: failed while registering: it did not finish registering within 1.5 s — remove it with codex plugins:uninstall codex-plugin-fixture-hanging',
  ]);
});

test('a linked plugin whose directory was deleted is one line naming it and the command that removes it', async (t) => {
  const {home, file, codex} = await sandbox();
  t.teardown(home.cleanup);
  const copy = join(home.path, 'sha1-copy');
  await cp(join(fixtures, 'sha1-hasher'), copy, {recursive: true});
  t.is((await codex('plugins:link', copy, '--no-install')).code, 0);
  await rm(copy, {recursive: true});
  const hash = await codex('hash', file, '--hasher', 'sha256');
  t.is(hash.code, 0, hash.stderr);
  t.deepEqual(problemLines(hash.stderr), [
    `warning: plugin codex-plugin-fixture-sha1 (linked from ${copy}) is gone: ${copy}/package.json does not exist — remove it with codex plugins:uninstall codex-plugin-fixture-sha1`,
  ]);
  t.is((await codex('plugins:uninstall', 'codex-plugin-fixture-sha1')).code, 0);
  t.deepEqual(problemLines((await codex('hash', file, '--hasher', 'sha256')).stderr), []);
});
