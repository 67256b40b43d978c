import type {Kernel, RegisteredBackend} from '@codex-ml/core';

export interface DataBackends {
  readonly hasher: RegisteredBackend<'hasher'>;
  readonly splitter: RegisteredBackend<'splitter'>;
  /** `<plugin>` → version of every plugin whose backend is bound, for the manifest's tool versions. */
  readonly versions: Readonly<Record<string, string>>;
}

/**
 * Binds what the data services resolve: the hasher, the manifest store (over `runs.dir`, plus its own
 * `manifest.<name>.*` options) and, for preparing, the splitter.
 */
export async function bindDataBackends(kernel: Kernel, withSplitter: boolean): Promise<DataBackends> {
  await kernel.bind('hasher');
  const storeName = kernel.backendName('manifest-store');
  const storeOptions: Record<string, unknown> = {dir: kernel.config.get<string>('runs.dir')};
  const prefix = `manifest.${storeName}.`;
  for (const key of kernel.config.sources.keys())
    if (key.startsWith(prefix)) storeOptions[key.slice(prefix.length)] = kernel.config.get(key);
  await kernel.bind('manifest-store', storeOptions);
  if (withSplitter) await kernel.bind('splitter');
  const hasher = kernel.selectedBackend('hasher');
  const splitter = kernel.selectedBackend('splitter');
  const versions: Record<string, string> = {};
  for (const contract of ['hasher', 'splitter', 'manifest-store'] as const) {
    const backend = kernel.boundBackend(contract);
    if (backend) versions[backend.plugin] = backend.version;
  }
  return {hasher, splitter, versions};
}
