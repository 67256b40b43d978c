import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import {readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {privateHome, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

const run = promisify(execFile);
const example = join(repoRoot, 'examples', 'codex-plugin-sha512');

interface BackendsJson {
  readonly hasher: ReadonlyArray<{readonly name: string; readonly plugin: string; readonly version: string; readonly apiRange: string}>;
  readonly problems: ReadonlyArray<{readonly plugin: string}>;
}

test('the example plugin is packed, installed from its tarball, selected by config, used, and uninstalled', async (t) => {
  const home = await tempDir('codex-example-');
  t.teardown(home.cleanup);
  // A private HOME and XDG data dir: the plugin lands in <tmp>/data/codex, never in the user's plugins.
  const env = privateHome(home.path);
  const codex = (...args: string[]) => runCli(args, {env, cwd: home.path});

  // What the author does: npm pack (its prepack script compiles the plugin).
  const packed = await run('npm', ['pack', '--pack-destination', home.path, '--json'], {cwd: example, env: {...process.env, ...env}});
  const [{filename}] = JSON.parse(packed.stdout) as [{filename: string}];
  const tarball = join(home.path, filename);

  // What a user does.
  const install = await codex('plugins:install', `file:${tarball}`);
  t.is(install.code, 0, install.stderr);
  t.regex((await codex('plugins')).stdout, /codex-plugin-sha512 0\.1\.0/);
  const backends = JSON.parse((await codex('backends', '--json')).stdout) as BackendsJson;
  t.like(
    backends.hasher.find((row) => row.name === 'sha512'),
    {plugin: 'codex-plugin-sha512', version: '0.1.0', apiRange: '^1.0.0'},
  );
  t.deepEqual(
    backends.problems.filter((problem) => problem.plugin === 'codex-plugin-sha512'),
    [],
  );

  const file = join(home.path, 'data.txt');
  await writeFile(file, 'checksum me with a third-party hasher\n');
  const sha512 = createHash('sha512').update('checksum me with a third-party hasher\n').digest('hex');
  const yaml = join(home.path, 'codex.yaml');
  await writeFile(yaml, 'hasher: sha512\n');
  const byYaml = await codex('hash', file, '--config', yaml, '--json');
  t.is(byYaml.code, 0, byYaml.stderr);
  t.like(JSON.parse(byYaml.stdout), {hasher: 'sha512', algorithm: 'sha512', files: [{path: file, checksum: `sha512:${sha512}`}]});
  const bySet = await codex('hash', file, '--set', 'hasher=sha512');
  t.is(bySet.stdout, `${sha512}  ${file}\n`);

  const uninstall = await codex('plugins:uninstall', 'codex-plugin-sha512');
  t.is(uninstall.code, 0, uninstall.stderr);
  t.false((await readdir(join(home.path, 'data', 'codex', 'node_modules'))).includes('codex-plugin-sha512'));
  const gone = await codex('hash', file, '--config', yaml);
  t.is(gone.code, 3);
  t.regex(gone.stderr, /unknown hasher backend "sha512"; registered: blake3, /);
});
