import {
  API_VERSION,
  Backends,
  type HookOutcome,
  Kernel,
  Registry,
  backendOf,
  definePlugin,
  loadBackend,
  loadRegistry,
  resolveConfig,
} from '@codex-ml/core';
import test from 'ava';

const sha256Module = new URL('../../../plugins/hashers/dist/src/sha256-hasher.js', import.meta.url).href;
const spec = {description: 'test', module: sha256Module, export: 'Sha256Hasher'};
const origin = (plugin: string) => ({plugin, version: '1.0.0', apiRange: '^1.0.0'});

function plugin(name: string, apiRange: unknown = '^1.0.0', type = 'user') {
  return {name, version: '1.2.3', type, pjson: {codex: {apiRange}}};
}

test('a second registration of a name is refused naming both plugins', (t) => {
  const registry = new Registry();
  registry.add('hasher', 'sha256', spec, origin('first'));
  const error = t.throws(() => registry.add('hasher', 'sha256', spec, origin('second')));
  t.is(error?.message, 'hasher "sha256" from second is already registered by first');
});

test('unknown contracts and invalid names are refused', (t) => {
  const registry = new Registry();
  t.throws(() => registry.add('hashr' as 'hasher', 'x', spec, origin('p')), {message: /unknown contract "hashr"/});
  t.throws(() => registry.add('hasher', 'Bad Name', spec, origin('p')), {message: /invalid name/});
});

test('require lists registered names when one is unknown', (t) => {
  const registry = new Registry();
  registry.add('hasher', 'sha256', spec, origin('p'));
  registry.add('hasher', 'blake3', spec, origin('p'));
  t.throws(() => registry.require('hasher', 'md5', 'hasher (from --set)'), {
    message: 'hasher (from --set): unknown hasher backend "md5"; registered: blake3, sha256',
  });
});

test('loadRegistry attributes backends to plugins and reports each faulty plugin by name', async (t) => {
  const contribution = await definePlugin((r) => r.register('hasher', 'sha256', spec))();
  const duplicate = await definePlugin((r) => r.register('hasher', 'sha256', spec))();
  const outcome: HookOutcome = {
    successes: [
      {plugin: plugin('z-duplicate'), result: duplicate},
      {plugin: plugin('@codex-ml/plugin-hashers', '^1.0.0', 'core'), result: contribution},
      {plugin: plugin('too-new', '^2.0.0'), result: contribution},
      {plugin: plugin('no-range', null), result: contribution},
      {plugin: plugin('not-ours'), result: 'something else'},
    ],
    failures: [{plugin: plugin('broken'), error: new Error('boom\nstack line')}],
  };
  const registry = await loadRegistry({runHook: async () => outcome});
  t.deepEqual(registry.names('hasher'), ['sha256']);
  t.is(registry.get('hasher', 'sha256')?.plugin, '@codex-ml/plugin-hashers');
  const problems = Object.fromEntries(registry.problems.map((p) => [p.plugin, p.message]));
  t.is(problems['broken'], 'failed while registering: boom');
  t.regex(
    problems['too-new'] ?? '',
    new RegExp(`supports core API \\^2\\.0\\.0, this codex provides ${API_VERSION.replace(/\./g, '\\.')}`),
  );
  t.regex(problems['no-range'] ?? '', /declares no valid core API range/);
  t.regex(problems['not-ours'] ?? '', /returned no registration/);
  t.regex(problems['z-duplicate'] ?? '', /already registered by @codex-ml\/plugin-hashers/);
});

test('loadBackend loads by module URL and reports a missing export', async (t) => {
  const hasher = await loadBackend({contract: 'hasher', name: 'sha256', plugin: 'p', spec});
  const state = hasher.create();
  state.update(new TextEncoder().encode('abc'));
  t.is(state.digest(), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  await t.throwsAsync(loadBackend({contract: 'hasher', name: 'x', plugin: 'p', spec: {...spec, export: 'Nope'}}), {
    message: /export "Nope" has no create\(\)/,
  });
  await t.throwsAsync(loadBackend({contract: 'hasher', name: 'x', plugin: 'p', spec: {...spec, module: 'file:///nonexistent.js'}}), {
    message: /hasher "x" from p failed to load/,
  });
});

test('the kernel binds the configured backend once, lazily, in a child container', async (t) => {
  const registry = new Registry();
  registry.add('hasher', 'sha256', spec, origin('p'));
  const kernel = new Kernel(registry, resolveConfig({env: {}, sets: ['hasher=sha256']}));
  const first = await kernel.bind('hasher');
  t.is(await kernel.bind('hasher'), first);
  t.is(kernel.resolve(Symbol.for('codex-ml.Hasher')), first);
  t.is(kernel.boundBackend('hasher')?.name, 'sha256');
  // A contract whose backend is not registered fails only when it is used.
  await t.throwsAsync(kernel.bind('splitter'), {
    message: /data\.splitter \(from default\): unknown splitter backend "seeded"; registered: \(none\)/,
  });
  await kernel.dispose();
});

test('binding a bound contract again with other options is refused; equal options give the same instance', async (t) => {
  const registry = new Registry();
  registry.add('hasher', 'sha256', spec, origin('p'));
  const kernel = new Kernel(registry, resolveConfig({env: {}, sets: ['hasher=sha256']}));
  t.teardown(() => kernel.dispose());
  const first = await kernel.bind('hasher');
  t.is(await kernel.bind('hasher', {}), first);
  await t.throwsAsync(kernel.bind('hasher', {rounds: 2}), {
    message: 'hasher "sha256" is already bound with options {}; refusing to bind it again with {"rounds":2}',
  });
  t.is(kernel.resolve(Symbol.for('codex-ml.Hasher')), first);
});

test('Backends opens a backend config does not select, once per command, and the bound one for the configured name', async (t) => {
  const registry = new Registry();
  registry.add('hasher', 'sha256', spec, origin('p'));
  registry.add('hasher', 'other', spec, origin('p'));
  const kernel = new Kernel(registry, resolveConfig({env: {}, sets: ['hasher=sha256']}));
  t.teardown(() => kernel.dispose());
  const backends = kernel.resolve<Backends>(Backends);
  const bound = await kernel.bind('hasher');
  t.is(await backends.open('hasher', 'sha256', 'here'), bound);
  const other = await backends.open('hasher', 'other', 'here');
  t.not(other, bound);
  t.is(await backends.open('hasher', 'other', 'here'), other);
  t.is(backendOf(other)?.backend.name, 'other');
  t.deepEqual(backends.names('hasher'), ['other', 'sha256']);
  t.is(backends.selected('hasher'), 'sha256');
  await t.throwsAsync(backends.open('hasher', 'md5', 'checksum of a.txt'), {
    message: 'checksum of a.txt: unknown hasher backend "md5"; registered: other, sha256',
  });
});

test('a bound backend receives its own config block and the shared keys of its contract as options', async (t) => {
  const registry = await loadRegistry({
    runHook: async () => ({
      successes: [
        {
          plugin: plugin('codex-plugin-store', '^1.0.0', 'user'),
          result: await definePlugin((r) =>
            r.register('manifest-store', 'spy', {
              description: 'x',
              module: new URL('../../../plugins/manifest-stores/dist/src/fs-manifest-store.js', import.meta.url).href,
              export: 'FsManifestStore',
              config: {depth: {doc: 'd', default: 2}},
            }),
          )(),
        },
      ],
      failures: [],
    }),
  });
  const config = resolveConfig({
    env: {},
    sets: ['manifest.store=spy', 'manifest.spy.depth=4', 'runs.dir=elsewhere'],
    schema: registry.schema,
  });
  const kernel = new Kernel(registry, config);
  t.teardown(() => kernel.dispose());
  t.deepEqual(kernel.optionsFor('manifest-store', 'spy'), {dir: 'elsewhere', depth: 4});
  const store = await kernel.bind('manifest-store');
  t.deepEqual(backendOf(store)?.options, {dir: 'elsewhere', depth: 4});
});
