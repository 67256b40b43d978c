import type {ContractName, ContractTypes} from './contracts/index.js';
import {CodexError, ExitCode} from './errors.js';
import type {BackendModule, BackendOptions, RegisteredBackend} from './registry.js';

/** Everything needed to create a backend in any thread: where its code is, and the options it was given. */
export interface BackendRecipe<K extends ContractName = ContractName> {
  readonly backend: Pick<RegisteredBackend<K>, 'contract' | 'name' | 'plugin' | 'spec'> & Partial<Pick<RegisteredBackend<K>, 'version'>>;
  readonly options: BackendOptions;
}

// Instances remember their recipe, so code holding only an injected instance can still describe it (manifests
// record its plugin and version) or re-create it in a worker thread, without a second way to reach the backend.
const recipes = new WeakMap<object, BackendRecipe>();

/** Imports a backend's module and calls its `create` with `options`. Works in any thread. */
export async function loadBackend<K extends ContractName>(
  backend: BackendRecipe<K>['backend'],
  options: BackendOptions = {},
): Promise<ContractTypes[K]> {
  let module: Record<string, unknown>;
  try {
    module = (await import(backend.spec.module)) as Record<string, unknown>;
  } catch (error) {
    throw new CodexError(
      'E_PLUGIN_LOAD',
      `${backend.contract} "${backend.name}" from ${backend.plugin} failed to load: ${firstLine(error)}`,
      {hint: 'reinstall the plugin (codex plugins:install) or choose another backend', exitCode: ExitCode.plugin, cause: error},
    );
  }
  const factory = module[backend.spec.export] as Partial<BackendModule<ContractTypes[K]>> | undefined;
  if (!factory || typeof factory.create !== 'function') {
    throw new CodexError(
      'E_PLUGIN_LOAD',
      `${backend.contract} "${backend.name}" from ${backend.plugin}: export "${backend.spec.export}" has no create()`,
      {hint: 'the plugin is broken; report it to its author', exitCode: ExitCode.plugin},
    );
  }
  const instance = await factory.create(options);
  if (typeof instance === 'object' && instance !== null) {
    const {contract, name, plugin, spec, version} = backend;
    recipes.set(instance, {backend: {contract, name, plugin, spec: {...spec}, ...(version === undefined ? {} : {version})}, options});
  }
  return instance;
}

/** How an instance made by `loadBackend` (so by the kernel) was created; undefined for hand-made instances. */
export function backendOf<K extends ContractName>(instance: ContractTypes[K]): BackendRecipe<K> | undefined {
  return typeof instance === 'object' && instance !== null ? (recipes.get(instance) as BackendRecipe<K> | undefined) : undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
