import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {
  type CodexError,
  ConfigSchema,
  type HookOutcome,
  configSchema,
  definePlugin,
  loadRegistry,
  migrateConfigValues,
  resolveConfig,
} from '@codex-ml/core';
import test from 'ava';
import {tempDir} from '../helpers/run-cli.js';

const storeModule = new URL('../../../plugins/manifest-stores/dist/src/fs-manifest-store.js', import.meta.url).href;

/** A third-party plugin: a store backend with its own keys, and a section of plugin-wide keys. */
const contribution = await definePlugin((registry) => {
  registry.register('manifest-store', 'vault', {
    description: 'test store',
    module: storeModule,
    export: 'FsManifestStore',
    config: {
      retries: {doc: 'Attempts per write.', default: 3, type: 'integer', minimum: 1, replaces: 'manifest.retries'},
      mode: {doc: 'Write mode.', default: 'safe', enum: ['safe', 'fast']},
    },
  });
  registry.contributeConfig('vault', {endpoint: {doc: 'Where the vault listens.', default: 'localhost:1'}});
})();

function plugin(name: string) {
  return {name, version: '2.0.0', type: 'user', pjson: {codex: {apiRange: '^1.0.0'}}};
}

async function registryWith(...successes: HookOutcome['successes']) {
  return await loadRegistry({runHook: async () => ({successes, failures: []})});
}

async function yamlFile(content: string): Promise<{path: string; cleanup: () => Promise<void>}> {
  const dir = await tempDir();
  const path = join(dir.path, 'config.yaml');
  await writeFile(path, content);
  return {path, cleanup: dir.cleanup};
}

test('a backend’s keys live in its block, with defaults, sources and the plugin that declared them', async (t) => {
  const {schema} = await registryWith({plugin: plugin('codex-plugin-vault'), result: contribution});
  const file = await yamlFile('manifest:\n  vault:\n    mode: fast\n');
  t.teardown(file.cleanup);
  const config = resolveConfig({file: file.path, env: {CODEX_MANIFEST_VAULT_RETRIES: '5'}, sets: ['vault.endpoint=db:9'], schema});
  t.is(config.get('manifest.vault.mode'), 'fast');
  t.is(config.sourceOf('manifest.vault.mode'), file.path);
  t.is(config.get('manifest.vault.retries'), 5);
  t.is(config.sourceOf('manifest.vault.retries'), 'env CODEX_MANIFEST_VAULT_RETRIES');
  t.is(config.get('vault.endpoint'), 'db:9');
  t.is(config.sourceOf('vault.endpoint'), '--set');
  t.deepEqual(config.section('manifest.vault'), {retries: 5, mode: 'fast'});
  t.is(schema.declaredBy('manifest.vault.retries'), 'codex-plugin-vault');
  t.is(schema.declaredBy('manifest.store'), 'core');
});

test('a contributed key: unknown with a did-you-mean, wrong type naming source, key and allowed values', async (t) => {
  const {schema} = await registryWith({plugin: plugin('codex-plugin-vault'), result: contribution});
  const typo = await yamlFile('manifest:\n  vault:\n    retires: 2\n');
  t.teardown(typo.cleanup);
  const unknown = t.throws<CodexError>(() => resolveConfig({file: typo.path, env: {}, schema}));
  t.is(unknown?.message, `${typo.path}: unknown config key "manifest.vault.retires" (did you mean "manifest.vault.retries"?)`);
  t.is(unknown?.exitCode, 3);
  const setTypo = t.throws<CodexError>(() => resolveConfig({env: {}, sets: ['manifest.vault.mdoe=fast'], schema}));
  t.regex(setTypo?.message ?? '', /^--set: unknown config key "manifest\.vault\.mdoe" \(did you mean "manifest\.vault\.mode"\?\)$/);

  const wrong = await yamlFile('manifest:\n  vault:\n    mode: slow\n');
  t.teardown(wrong.cleanup);
  t.is(
    t.throws<CodexError>(() => resolveConfig({file: wrong.path, env: {}, schema}))?.message,
    `${wrong.path}: manifest.vault.mode: must be one of safe, fast, got "slow"`,
  );
  t.is(
    t.throws<CodexError>(() => resolveConfig({env: {}, sets: ['manifest.vault.retries=0'], schema}))?.message,
    '--set: manifest.vault.retries: must be an integer >= 1, got 0',
  );
  t.is(
    t.throws<CodexError>(() => resolveConfig({env: {CODEX_MANIFEST_VAULT_RETRIES: 'many'}, schema}))?.message,
    'env CODEX_MANIFEST_VAULT_RETRIES: manifest.vault.retries must be a number, got "many"',
  );
});

test('an old key a contribution replaces gets one line naming its new place, from a file, env or --set', async (t) => {
  const {schema} = await registryWith({plugin: plugin('codex-plugin-vault'), result: contribution});
  const file = await yamlFile('manifest:\n  retries: 2\n');
  t.teardown(file.cleanup);
  const expected = 'config key "manifest.retries" moved to "manifest.vault.retries" (declared by codex-plugin-vault)';
  t.is(t.throws<CodexError>(() => resolveConfig({file: file.path, env: {}, schema}))?.message, `${file.path}: ${expected}`);
  t.is(
    t.throws<CodexError>(() => resolveConfig({env: {CODEX_MANIFEST_RETRIES: '2'}, schema}))?.message,
    `env CODEX_MANIFEST_RETRIES: ${expected}`,
  );
  t.is(t.throws<CodexError>(() => resolveConfig({env: {}, sets: ['manifest.retries=2'], schema}))?.message, `--set: ${expected}`);
  // Values written before the move (a run's config snapshot) are read under the new name.
  t.deepEqual(migrateConfigValues({manifest: {store: 'fs', retries: 7}, gone: 1}, schema), {manifest: {store: 'fs', vault: {retries: 7}}});
  // A section that took the name of a key it replaced is read as the section.
  const section = new ConfigSchema(configSchema);
  section.contribute('p', 'training.optimizer.momentum', {momentum: {doc: 'μ', default: 0.9, replaces: 'training.optimizer.momentum'}});
  t.deepEqual(migrateConfigValues({training: {optimizer: {momentum: 0.5}}}, section), {training: {optimizer: {momentum: {momentum: 0.5}}}});
  t.deepEqual(migrateConfigValues({training: {optimizer: {momentum: {momentum: 0.7}}}}, section), {
    training: {optimizer: {momentum: {momentum: 0.7}}},
  });
});

test('a contribution that collides with a declared key is refused whole, naming both owners; the rest loads', async (t) => {
  const clash = await definePlugin((registry) => {
    registry.contributeConfig('runs', {dir: {doc: 'mine', default: 'x'}});
    registry.register('manifest-store', 'other', {
      description: 'x',
      module: storeModule,
      export: 'FsManifestStore',
      config: {retries: {doc: 'x', default: 1}},
    });
    registry.register('hasher', 'fine', {description: 'x', module: storeModule, export: 'FsManifestStore'});
  })();
  const shadow = await definePlugin((registry) => {
    registry.contributeConfig('manifest.vault', {mode: {doc: 'mine too', default: 'safe'}});
  })();
  const registry = await registryWith(
    {plugin: plugin('codex-plugin-vault'), result: contribution},
    {plugin: plugin('codex-plugin-clash'), result: clash},
    {plugin: plugin('codex-plugin-z-shadow'), result: shadow},
  );
  const problems = registry.problems.map((problem) => `${problem.plugin}: ${problem.message}`);
  t.true(problems.includes('codex-plugin-clash: config key runs.dir collides with runs.dir, declared by core'), problems.join('\n'));
  t.true(
    problems.includes(
      'codex-plugin-z-shadow: config key manifest.vault.mode collides with manifest.vault.mode, declared by codex-plugin-vault',
    ),
    problems.join('\n'),
  );
  // The clashing plugin's other backends still register; the store whose keys were fine registers too.
  t.deepEqual(registry.names('hasher'), ['fine']);
  t.deepEqual(registry.names('manifest-store'), ['other', 'vault']);
  t.is(registry.schema.declaredBy('manifest.other.retries'), 'codex-plugin-clash');
});

test('malformed contributed keys are refused with the reason', (t) => {
  const schema = new ConfigSchema(configSchema);
  const refuse = (keys: Record<string, unknown>) =>
    t.throws<CodexError>(() => schema.contribute('p', 'x', keys as Parameters<ConfigSchema['contribute']>[2]))?.message;
  t.is(refuse({a: {doc: '', default: 1}}), 'config key x.a has no doc');
  t.is(refuse({a: {doc: 'd', default: null}}), 'config key x.a has no type (give "type" when the default is null)');
  t.is(refuse({a: {doc: 'd', default: 5, maximum: 1}}), 'config key x.a has a default that must be a number <= 1, got 5');
  t.is(refuse({'a-b': {doc: 'd', default: 1}}), 'config key "x.a-b": names are letters and digits (camelCase)');
  t.is(refuse({a: {doc: 'd', default: 1}, b: 7}), 'config key x.b is neither a key nor a section');
  // Nothing of a refused contribution is kept.
  t.false(schema.leaves.has('x.a'));
});
