import {type BackendOptions, type Kernel, type ManifestStore, type ResolvedConfig, instantiateBackend} from '@codex-ml/core';

/**
 * Options for a manifest store backend: `dir`, the runs directory (stores keep manifests in or beside it),
 * plus the backend's own config block `manifest.<name>.*`, when the schema declares one.
 */
export function manifestStoreOptions(config: ResolvedConfig, name: string): BackendOptions {
  const prefix = `manifest.${name}.`;
  const options: Record<string, unknown> = {dir: config.get<string>('runs.dir')};
  for (const key of config.sources.keys()) {
    if (key.startsWith(prefix)) options[key.slice(prefix.length)] = config.get(key);
  }
  return options;
}

/** Binds the configured manifest store (with its options) into the kernel and returns it. */
export async function bindManifestStore(kernel: Kernel): Promise<ManifestStore> {
  return await kernel.bind('manifest-store', manifestStoreOptions(kernel.config, kernel.backendName('manifest-store')));
}

/** Opens a store by backend name, independently of config's choice (migration needs two at once). */
export async function openManifestStore(kernel: Kernel, name: string, where: string): Promise<ManifestStore> {
  return await instantiateBackend(kernel.registry.require('manifest-store', name, where), manifestStoreOptions(kernel.config, name));
}
