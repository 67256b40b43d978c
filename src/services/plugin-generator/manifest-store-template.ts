import type {ContractTemplate} from './generated-file.js';
import type {PluginNames} from './plugin-names.js';

/** A `ManifestStore` skeleton that throws "not implemented" until the storage is filled in. */
export function manifestStoreTemplate(names: PluginNames): ContractTemplate {
  const className = `${names.pascal}ManifestStore`;
  const file = `${names.kebab}-manifest-store`;
  const implementation = `import type {BackendOptions, Manifest, ManifestQuery, ManifestStore, ManifestSummary} from '@codex-ml/core';

/**
 * Stores run manifests in ${names.backend}. Config \`manifest.store: ${names.backend}\` selects it; its options come
 * from the config block of the same name.
 *
 * Fill in every method. put() is atomic (readers never see half a manifest, even if the writer is killed) and
 * fails with a CodexError E_EXISTS for an existing run unless {replace: true}; concurrent writers, in threads or
 * processes, lose nothing; get() of a damaged entry throws E_MANIFEST naming the run; list() is ordered by run id.
 */
export class ${className} implements ManifestStore {
  readonly name = '${names.backend}';

  private constructor(private readonly directory: string) {}

  /** Entry point of the registered backend (see src/hooks/register.ts). */
  static create(options: BackendOptions = {}): ${className} {
    return new ${className}(typeof options['dir'] === 'string' ? options['dir'] : 'runs');
  }

  async put(manifest: Manifest, options: {readonly replace?: boolean} = {}): Promise<void> {
    throw this.notImplemented('put', options.replace ? \`\${manifest.runId} (replace)\` : manifest.runId);
  }

  async get(runId: string): Promise<Manifest | undefined> {
    throw this.notImplemented('get', runId);
  }

  async list(query: ManifestQuery = {}): Promise<ManifestSummary[]> {
    throw this.notImplemented('list', JSON.stringify(query));
  }

  async delete(runId: string): Promise<boolean> {
    throw this.notImplemented('delete', runId);
  }

  async close(): Promise<void> {}

  private notImplemented(method: string, detail: string): Error {
    return new Error(\`${className}.\${method} is not implemented yet (\${detail} in \${this.directory}): fill it in in src/${file}.ts\`);
  }
}
`;
  const test = `import {manifestStoreConformance} from '@codex-ml/core/testing';
import test from 'ava';

// The manifest-store contract's conformance suite: one test per invariant; a failure names the invariant it
// breaks. Writer processes load the store from its module, as the CLI does.
manifestStoreConformance(test, {
  name: 'manifest-store ${names.backend}',
  backend: {module: new URL('../src/${file}.js', import.meta.url).href, export: '${className}'},
  options: (directory) => ({dir: directory}),
  // Damage the stored form of one run's manifest as a torn write would (e.g. truncate its file).
  corrupt: async (directory, runId) => {
    throw new Error(\`fill in corrupt() in test/${file}.test.ts: damage run \${runId} in \${directory}\`);
  },
});
`;
  return {
    sources: [{path: `src/${file}.ts`, text: implementation}],
    test: {path: `test/${file}.test.ts`, text: test},
    entry: {file: `${file}.js`, export: className},
    exports: {[file]: [className]},
    implementGuide:
      `Fill in the methods of \`src/${file}.ts\` and \`corrupt()\` in \`test/${file}.test.ts\` (how to damage one ` +
      'stored manifest, so the suite can check that damage is reported).',
  };
}
