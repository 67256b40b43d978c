import {execFile} from 'node:child_process';
import {copyFile, mkdir, readFile, realpath, symlink} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {isOneLineError, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

const execFileAsync = promisify(execFile);

interface Generated {
  readonly directory: string;
  readonly packageName: string;
  readonly configKey: string;
  readonly files: readonly string[];
}

/**
 * Gives a generated package the toolchain `npm install` would, without the network: links to the host's
 * installed copies of its dev dependencies and their bin entries.
 */
async function linkToolchain(directory: string, extra: readonly string[] = []): Promise<void> {
  const modules = join(directory, 'node_modules');
  await mkdir(join(modules, '.bin'), {recursive: true});
  await mkdir(join(modules, '@codex-ml'), {recursive: true});
  await mkdir(join(modules, '@types'), {recursive: true});
  await mkdir(join(modules, '@tensorflow'), {recursive: true});
  for (const name of ['@codex-ml/core', 'ava', 'typescript', '@types/node', ...extra]) {
    await symlink(join(repoRoot, 'node_modules', name), join(modules, name));
  }
  await symlink(join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), join(modules, '.bin', 'tsc'));
  await symlink(join(repoRoot, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), join(modules, '.bin', 'ava'));
}

async function npmTest(directory: string): Promise<{code: number; output: string}> {
  try {
    const {stdout, stderr} = await execFileAsync('npm', ['test'], {cwd: directory, env: {...process.env, CI: '1'}, maxBuffer: 1 << 24});
    return {code: 0, output: stdout + stderr};
  } catch (error) {
    const failed = error as {code?: number; stdout?: string; stderr?: string};
    return {code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`};
  }
}

async function generate(parent: string, name: string, contract: string): Promise<Generated> {
  const result = await runCli(['plugins:new', name, '--contract', contract, '--dir', parent, '--json']);
  if (result.code !== 0) throw new Error(result.stderr || result.stdout);
  return JSON.parse(result.stdout) as Generated;
}

test('a generated hasher plugin fails its conformance test until filled in, then passes', async (t) => {
  const temp = await tempDir('codex-generate-');
  t.teardown(temp.cleanup);
  const plugin = await generate(temp.path, 'sha512', 'hasher');
  t.is(plugin.directory, join(temp.path, 'codex-plugin-sha512'));
  t.deepEqual(plugin.files, [
    '.gitignore',
    'README.md',
    'package.json',
    'src/hooks/register.ts',
    'src/index.ts',
    'src/sha512-hasher.ts',
    'test/sha512-hasher.test.ts',
    'tsconfig.json',
  ]);
  const manifest = JSON.parse(await readFile(join(plugin.directory, 'package.json'), 'utf8'));
  t.like(manifest, {
    name: 'codex-plugin-sha512',
    type: 'module',
    oclif: {hooks: {'codex:register': './dist/src/hooks/register.js'}},
    codex: {apiRange: '^1.0.0'},
    peerDependencies: {'@codex-ml/core': '^0.1.0'},
  });
  // A file: path to this checkout's core, relative or absolute depending on where the plugin was made.
  const coreSpec = String(manifest.devDependencies['@codex-ml/core']);
  t.true(coreSpec.startsWith('file:'), coreSpec);
  t.is(await realpath(resolve(plugin.directory, coreSpec.slice('file:'.length))), await realpath(join(repoRoot, 'src', 'core')));

  await linkToolchain(plugin.directory);
  const before = await npmTest(plugin.directory);
  t.not(before.code, 0);
  t.regex(before.output, /hasher sha512 violates the conformance invariant "known vectors": no known vectors supplied/);
  t.regex(before.output, /violates the conformance invariant "streaming equals one-shot": Sha512Hasher is not implemented yet/);

  // The minimal correct implementation: the example plugin's, which is this generator's output filled in.
  const example = join(repoRoot, 'examples', 'codex-plugin-sha512');
  for (const file of ['src/sha512-hasher.ts', 'test/sha512-hasher.test.ts'])
    await copyFile(join(example, file), join(plugin.directory, file));
  const after = await npmTest(plugin.directory);
  t.is(after.code, 0, after.output);
  t.regex(after.output, /8 tests passed/);
});

test('a generated training engine fails its conformance test naming the unmet invariants until filled in, then passes', async (t) => {
  const temp = await tempDir('codex-generate-');
  t.teardown(temp.cleanup);
  const plugin = await generate(temp.path, 'bigram', 'training-engine');
  t.deepEqual(plugin.files, [
    '.gitignore',
    'README.md',
    'package.json',
    'src/bigram-engine.ts',
    'src/bigram-sgd-optimizer.ts',
    'src/hooks/register.ts',
    'src/index.ts',
    'test/bigram-engine.test.ts',
    'tsconfig.json',
  ]);
  t.is(plugin.configKey, 'training.engine');
  const manifest = JSON.parse(await readFile(join(plugin.directory, 'package.json'), 'utf8'));
  t.like(manifest, {codex: {apiRange: '^1.1.0'}});
  t.regex(await readFile(join(plugin.directory, 'src', 'hooks', 'register.ts'), 'utf8'), /register\('optimizer', 'bigram-sgd'/);

  await linkToolchain(plugin.directory);
  const before = await npmTest(plugin.directory);
  t.not(before.code, 0);
  for (const invariant of ['same seed, same losses', 'state save and restore continue bitwise', 'evaluation changes nothing']) {
    t.regex(
      before.output,
      new RegExp(
        `training-engine bigram violates the conformance invariant "${invariant}": BigramEngine\\.createTrainableModel is not implemented yet`,
      ),
    );
  }
  // The generated optimizer works from the start: only the engine's invariants fail.
  t.notRegex(before.output, /optimizer bigram-sgd violates/);

  // The example plugin is this generator's output filled in: its sources make the same test pass.
  const example = join(repoRoot, 'examples', 'codex-plugin-bigram');
  for (const file of ['bigram-engine.ts', 'bigram-model.ts', 'bigram-trainable-model.ts', 'seeded-normal.ts', 'index.ts']) {
    await copyFile(join(example, 'src', file), join(plugin.directory, 'src', file));
  }
  const after = await npmTest(plugin.directory);
  t.is(after.code, 0, after.output);
  t.regex(after.output, /15 tests passed/);
});

test('the skeleton of every other contract compiles against core', async (t) => {
  const temp = await tempDir('codex-generate-');
  t.teardown(temp.cleanup);
  const requests = [
    ['rank', 'splitter'],
    ['chars', 'tokenizer'],
    ['signum', 'optimizer'],
    ['jsonl', 'manifest-store'],
    ['unigram', 'training-engine'],
  ] as const;
  const plugins = await Promise.all(requests.map(([name, contract]) => generate(temp.path, name, contract)));
  t.deepEqual(
    plugins.map((plugin) => plugin.configKey),
    ['data.splitter', 'tokenizer.model', 'training.optimizer.name', 'manifest.store', 'training.engine'],
  );
  await Promise.all(
    plugins.map(async (plugin) => {
      await linkToolchain(plugin.directory, plugin.configKey === 'training.optimizer.name' ? ['@tensorflow/tfjs'] : []);
      const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      await t.notThrowsAsync(execFileAsync(process.execPath, [tsc, '-p', plugin.directory]), plugin.packageName);
    }),
  );
  // Before it is filled in, a skeleton's test names the invariants it breaks.
  const splitter = plugins[0]?.directory ?? '';
  const ava = await npmTest(splitter);
  t.not(ava.code, 0);
  t.regex(ava.output, /splitter rank violates the conformance invariant "deterministic": RankSplitter is not implemented yet/);
});

test('plugins:new refuses an existing folder, a bad name and an unknown contract in one line', async (t) => {
  const temp = await tempDir('codex-generate-');
  t.teardown(temp.cleanup);
  await generate(temp.path, 'x1', 'hasher');
  const again = await runCli(['plugins:new', 'x1', '--contract', 'hasher', '--dir', temp.path]);
  t.is(again.code, 2);
  t.regex(again.stderr, /^Error: .*codex-plugin-x1 already exists — choose another name/);
  t.true(isOneLineError(again.stderr));
  const badName = await runCli(['plugins:new', 'Bad Name', '--contract', 'hasher', '--dir', temp.path]);
  t.is(badName.code, 2);
  t.regex(badName.stderr, /^Error: backend name "Bad Name" is invalid/);
  t.true(isOneLineError(badName.stderr));
  const badContract = await runCli(['plugins:new', 'x2', '--contract', 'compressor', '--dir', temp.path]);
  t.is(badContract.code, 2);
  t.regex(badContract.stderr, /compressor/);
});
