import type {ConfigSection} from '../config/config-key.js';
import type {ContractName} from '../contracts/index.js';
import type {BackendSpec} from '../registry.js';

/** Marks a hook result as a codex-ml registration, so the host can tell it from other hooks' results. */
export const REGISTRATION_PROTOCOL = 'codex-ml/register@1';

/** Name of the oclif hook every plugin implements to contribute backends. */
export const REGISTER_HOOK = 'codex:register';

export interface BackendRegistration {
  readonly contract: ContractName;
  readonly name: string;
  readonly spec: BackendSpec;
}

/** Config keys a plugin declares outside any one backend's block. */
export interface ConfigContribution {
  /** Dotted prefix of the keys, e.g. `training.tfjs`. */
  readonly section: string;
  readonly keys: ConfigSection;
}

/** What a `codex:register` hook returns: plain data, so it crosses copies of core safely. */
export interface PluginContribution {
  readonly protocol: typeof REGISTRATION_PROTOCOL;
  readonly backends: readonly BackendRegistration[];
  /** Absent in registrations of plugins built before config contributions existed. */
  readonly config?: readonly ConfigContribution[];
}

/** The registrar a plugin's `register` callback receives. */
export interface BackendRegistrar {
  /**
   * Registers a backend. Its own config keys go in `spec.config`, relative to its block: for contract
   * `optimizer` and name `adamw` they are `training.optimizer.adamw.*` (see `BACKEND_CONFIG_BLOCKS`), and the
   * resolved block is what the backend's `create(options)` receives.
   */
  register(contract: ContractName, name: string, spec: BackendSpec): void;
  /**
   * Declares config keys the plugin owns outside any one backend's block, under `section` (full dotted
   * prefix). Prefer `spec.config`; use this for settings several of the plugin's backends share.
   */
  contributeConfig(section: string, keys: ConfigSection): void;
}

/**
 * Builds a plugin's `codex:register` hook. The host learns which plugin contributed from oclif's hook result
 * (hooks of all plugins run concurrently, so a shared registry could not attribute calls), checks the plugin's
 * declared API range and refuses duplicates.
 *
 * ```ts
 * // src/hooks/register.ts, referenced from package.json "oclif": {"hooks": {"codex:register": …}}
 * export default definePlugin((registry) => {
 *   registry.register('manifest-store', 'sqlite', {
 *     description: 'Manifests in one SQLite database',
 *     module: new URL('../sqlite-manifest-store.js', import.meta.url).href,
 *     export: 'SqliteManifestStore',
 *     // manifest.sqlite.path; SqliteManifestStore.create receives {dir, path}
 *     config: {path: {doc: 'Database file; empty = <runs.dir>/manifests.sqlite', default: ''}},
 *   });
 * });
 * ```
 * Keep the hook module light: import implementations only through `module`, and declare config as data.
 */
export function definePlugin(register: (registrar: BackendRegistrar) => void): () => Promise<PluginContribution> {
  return async () => {
    const backends: BackendRegistration[] = [];
    const config: ConfigContribution[] = [];
    register({
      register(contract, name, spec) {
        backends.push({contract, name, spec});
      },
      contributeConfig(section, keys) {
        config.push({section, keys});
      },
    });
    return {protocol: REGISTRATION_PROTOCOL, backends, config};
  };
}

export function isPluginContribution(value: unknown): value is PluginContribution {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<PluginContribution>;
  return (
    candidate.protocol === REGISTRATION_PROTOCOL &&
    Array.isArray(candidate.backends) &&
    (candidate.config === undefined || Array.isArray(candidate.config))
  );
}
