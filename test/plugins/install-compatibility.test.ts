import {execFile} from 'node:child_process';
import {cp, mkdir, readFile, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {isOneLineError, privateHome, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

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
  const env = privateHome(home.path);
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

test('plugins:install reads a plugin directory first, and refuses what holds no readable package.json, in one line', async (t) => {
  const home = await tempDir('codex-install-read-');
  t.teardown(home.cleanup);
  const env = privateHome(home.path);
  const at = (name: string) => join(home.path, 'given', name);
  const futureNode = at('future-node');
  await cp(fixture, futureNode, {recursive: true});
  const pjson = JSON.parse(await readFile(join(futureNode, 'package.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(futureNode, 'package.json'), JSON.stringify({...pjson, engines: {node: '>=99'}}));
  await mkdir(at('empty'), {recursive: true});
  await mkdir(at('broken'), {recursive: true});
  await writeFile(join(at('broken'), 'package.json'), '{"name": "broken",');
  await writeFile(at('plain.tgz'), 'not gzip');
  // A real tarball whose only entry is not a package.json.
  await mkdir(join(at('readme-only'), 'package'), {recursive: true});
  await writeFile(join(at('readme-only'), 'package', 'README.md'), '# no manifest here\n');
  await promisify(execFile)('tar', ['czf', at('readme-only.tgz'), '-C', at('readme-only'), 'package']);

  const cases: Array<[string, number, RegExp]> = [
    [futureNode, 7, /^Error: codex-plugin-fixture-sha1@1\.2\.3 is not installed: it requires Node >=99, this is Node v\d+/],
    [at('missing'), 4, /^Error: cannot read .*missing: does not exist/],
    [at('empty'), 4, /^Error: cannot read .*empty[/\\]package\.json: does not exist/],
    [at('broken'), 7, /^Error: .*broken: its package\.json is not valid JSON$/m],
    [at('plain.tgz'), 7, /^Error: .*plain\.tgz is not a gzipped tarball \(npm pack writes one\)$/m],
    [at('readme-only.tgz'), 7, /^Error: .*readme-only\.tgz holds no package\.json — pack the plugin with npm pack$/m],
  ];
  for (const [path, code, expected] of cases) {
    const result = await runCli(['plugins:install', `file:${path}`], {env, cwd: home.path});
    t.is(result.code, code, result.stderr);
    t.regex(result.stderr, expected);
    t.true(isOneLineError(result.stderr), result.stderr);
    t.deepEqual(await listing(join(home.path, 'data')), [], 'nothing written to the plugin data directory');
  }
});
