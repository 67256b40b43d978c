import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {resolveConfig} from '@codex-ml/core';
import {findProjectConfig} from '../../src/cli/config-discovery.js';
import {projectConfigTemplate} from '../../src/services/project/project-config-template.js';
import {bundledRegistry} from '../helpers/bundled-registry.js';
import {runCli, tempDir} from '../helpers/run-cli.js';

interface ShowJson {
  readonly files: ReadonlyArray<{path: string; role: string}>;
  readonly entries: ReadonlyArray<{key: string; value: unknown; source: string}>;
}

function entry(json: ShowJson, key: string) {
  return json.entries.find((candidate) => candidate.key === key);
}

test('the project codex.yaml is found from a subdirectory: its values, and paths relative to it', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const project = join(dir.path, 'project');
  const deeper = join(project, 'notebooks', 'week1');
  await mkdir(deeper, {recursive: true});
  await writeFile(join(project, 'codex.yaml'), 'hasher: sha256\ndata:\n  input: corpus\n');
  await writeFile(join(deeper, 'note.txt'), 'hello\n');
  t.is(findProjectConfig(deeper), join(project, 'codex.yaml'));
  t.is(findProjectConfig(dir.path), undefined);

  const shown = await runCli(['config:show', '--json'], {cwd: deeper});
  t.is(shown.code, 0, shown.stderr);
  const json = JSON.parse(shown.stdout) as ShowJson;
  t.deepEqual(json.files, [{path: join(project, 'codex.yaml'), role: 'project'}]);
  t.like(entry(json, 'hasher'), {value: 'sha256', source: join(project, 'codex.yaml')});
  // Relative paths in the file are relative to it; relative defaults to the project root.
  t.like(entry(json, 'data.input'), {value: join(project, 'corpus')});
  t.like(entry(json, 'runs.dir'), {value: join(project, 'runs'), source: 'default'});
  t.like(entry(json, 'cache.dir'), {value: join(project, '.codex', 'cache')});

  // A command run deep inside the project uses it, and --verbose says which files are in use.
  const hashed = await runCli(['hash', 'note.txt', '--json', '--verbose'], {cwd: deeper});
  t.is(hashed.code, 0, hashed.stderr);
  t.is((JSON.parse(hashed.stdout) as {algorithm: string}).algorithm, 'sha256');
  t.regex(hashed.stderr, new RegExp(`^config: ${escapeRegExp(join(project, 'codex.yaml'))} \\(project\\)$`, 'm'));
  const text = await runCli(['config:show'], {cwd: deeper});
  t.regex(text.stdout, /^# config: .*codex\.yaml \(project\)$/m);

  // --config files take the project file's place.
  await writeFile(join(deeper, 'other.yaml'), 'hasher: xxh3\n');
  const other = JSON.parse((await runCli(['config:show', '--json', '--config', 'other.yaml'], {cwd: deeper})).stdout) as ShowJson;
  t.deepEqual(other.files, [{path: 'other.yaml', role: 'config'}]);
  t.like(entry(other, 'hasher'), {value: 'xxh3'});
  t.like(entry(other, 'runs.dir'), {value: 'runs'});
});

test("a command's packaged defaults apply from any directory, under the project file", async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const verbose = await runCli(['evaluate', 'nothing-here', '--verbose'], {cwd: dir.path});
  t.regex(verbose.stderr, /^config: .*configs\/pipeline\.yaml \(packaged defaults\)$/m);
  await writeFile(join(dir.path, 'codex.yaml'), 'evaluation:\n  split: validation\n');
  const layered = await runCli(['evaluate', 'nothing-here', '--verbose'], {cwd: dir.path});
  t.regex(layered.stderr, /^config: .*configs\/pipeline\.yaml \(packaged defaults\) < .*codex\.yaml \(project\)$/m);
});

test('codex init writes a commented codex.yaml that changes nothing until a key is uncommented, and keeps an existing one', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const before = JSON.parse((await runCli(['config:show', '--json'], {cwd: dir.path})).stdout) as ShowJson;
  const init = await runCli(['init', '--json'], {cwd: dir.path});
  t.is(init.code, 0, init.stderr);
  t.like(JSON.parse(init.stdout), {path: join(dir.path, 'codex.yaml'), root: dir.path, shadows: null});
  const text = await readFile(join(dir.path, 'codex.yaml'), 'utf8');
  t.regex(text, /^ {2}# splitter: seeded {2}# codex pipeline: stratified$/m);
  t.regex(text, /^ {2}# vocabSize: 30000 {2}# codex pipeline: 2048$/m);
  t.regex(text, /^ {4}# layers: 2$/m, 'the default engine’s keys are listed');
  t.notRegex(text, /^\s*#?\s*sqlite:$/m, 'keys of backends not selected are left out');
  const after = JSON.parse((await runCli(['config:show', '--json'], {cwd: dir.path})).stdout) as ShowJson;
  // Run from the project root, relative defaults stay as they are.
  t.deepEqual(
    after.entries.map(({key, value}) => [key, value]),
    before.entries.map(({key, value}) => [key, value]),
  );
  t.deepEqual(after.files, [{path: join(dir.path, 'codex.yaml'), role: 'project'}]);

  const again = await runCli(['init'], {cwd: dir.path});
  t.is(again.code, 2);
  t.regex(again.stderr, /^Error: .*codex\.yaml already exists — edit it, or pass --force/);
  const nested = await runCli(['init', '--dir', 'sub'], {cwd: dir.path});
  t.is(nested.code, 0, nested.stderr);
  t.regex(nested.stdout, /now read it instead of .*codex\.yaml/);
});

test('the codex.yaml template, uncommented, holds exactly the defaults it shows', async (t) => {
  const registry = await bundledRegistry();
  const defaults = resolveConfig({env: {}, schema: registry.schema});
  const options = {
    schema: registry.schema,
    backends: (contract: Parameters<typeof registry.names>[0]) => registry.names(contract),
    defaults: (key: string) => defaults.get(key),
    pipeline: new Map([['tokenizer.vocabSize', 2048]]),
  };
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const active = join(dir.path, 'active.yaml');
  await writeFile(active, projectConfigTemplate({...options, active: true}));
  const resolved = resolveConfig({file: active, env: {}, schema: registry.schema});
  const set = [...registry.schema.leaves.keys()].filter((key) => resolved.sourceOf(key) === active);
  t.true(set.length > 50, `${set.length} keys written`);
  for (const key of set) {
    const value = defaults.get(key);
    // Relative paths in a file are relative to it.
    const expected = registry.schema.leaves.get(key)?.path && typeof value === 'string' && value !== '' ? join(dir.path, value) : value;
    t.deepEqual(resolved.get(key), expected, key);
  }
  const commented = join(dir.path, 'commented.yaml');
  await writeFile(commented, projectConfigTemplate(options));
  const empty = resolveConfig({file: commented, env: {}, schema: registry.schema});
  t.deepEqual(
    [...registry.schema.leaves.keys()].filter((key) => empty.sourceOf(key) !== 'default'),
    [],
  );
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
