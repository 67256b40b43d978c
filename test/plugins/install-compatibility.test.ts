import {execFile} from 'node:child_process';
import {cp, readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {isOneLineError, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'plugins', 'sha1-hasher');

/** The sha1 fixture plugin, its package.json changed by `change`, packed into a tarball the way authors ship it. */
async function tarball(dir: string, name: string, change: (pjson: Record<string, unknown>) => void): Promise<string> {
  const source = join(dir, name);
  await cp(fixture, source, {recursive: true});
  const pjson = JSON.parse(await readFile(join(source, 'package.json'), 'utf8')) as Record<string, unknown>;
  change(pjson);
  await writeFile(join(source, 'package.json'), JSON.stringify(pjson, null, 2));
  // Each in its own directory: the tarballs share the package's name and version.
  const {stdout} = await promisify(execFile)('npm', ['pack', '--pack-destination', source, '--json'], {cwd: source});
  const [{filename}] = JSON.parse(stdout) as [{filename: string}];
  return join(source, filename);
}

async function listing(path: string): Promise<string[]> {
  return await readdir(path, {recursive: true}).catch(() => []);
}

test('plugins:install refuses a plugin whose engines or core API range exclude this codex, in one line, installing nothing', async (t) => {
  const home = await tempDir('codex-install-');
  t.teardown(home.cleanup);
  const env = {
    HOME: home.path,
    XDG_DATA_HOME: join(home.path, 'data'),
    XDG_CONFIG_HOME: join(home.path, 'config'),
    XDG_CACHE_HOME: join(home.path, 'cache'),
  };
  const packs = join(home.path, 'packs');
  const futureNode = await tarball(packs, 'future-node', (pjson) => {
    pjson['engines'] = {node: '>=99'};
  });
  const futureApi = await tarball(packs, 'future-api', (pjson) => {
    pjson['codex'] = {apiRange: '^9.0.0'};
  });
  const cases: Array<[string, RegExp]> = [
    [futureNode, /^Error: codex-plugin-fixture-sha1@1\.2\.3 is not installed: it requires Node >=99, this is Node v\d+/],
    [
      futureApi,
      /^Error: codex-plugin-fixture-sha1@1\.2\.3 is not installed: it supports core API \^9\.0\.0, this codex provides \d+\.\d+\.\d+/,
    ],
  ];
  for (const [file, expected] of cases) {
    const result = await runCli(['plugins:install', `file:${file}`], {env, cwd: home.path});
    t.is(result.code, 7, result.stderr);
    t.regex(result.stderr, expected);
    t.true(isOneLineError(result.stderr), result.stderr);
    t.deepEqual(await listing(join(home.path, 'data')), [], 'nothing written to the plugin data directory');
    const plugins = await runCli(['plugins', '--json'], {env, cwd: home.path});
    t.false(plugins.stdout.includes('codex-plugin-fixture-sha1'));
  }
  // The same plugin with a range that fits installs.
  const fits = await tarball(packs, 'fits', () => undefined);
  const installed = await runCli(['plugins:install', `file:${fits}`], {env, cwd: home.path});
  t.is(installed.code, 0, installed.stderr);
  t.regex((await runCli(['backends'], {env, cwd: home.path})).stdout, /sha1 /);
});
