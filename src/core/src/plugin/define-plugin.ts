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

/** What a `codex:register` hook returns: plain data, so it crosses copies of core safely. */
export interface PluginContribution {
  readonly protocol: typeof REGISTRATION_PROTOCOL;
  readonly backends: readonly BackendRegistration[];
}

/** The registrar a plugin's `register` callback receives. */
export interface BackendRegistrar {
  register(contract: ContractName, name: string, spec: BackendSpec): void;
}

/**
 * Builds a plugin's `codex:register` hook. The host learns which plugin contributed from oclif's hook result
 * (hooks of all plugins run concurrently, so a shared registry could not attribute calls), checks the plugin's
 * declared API range and refuses duplicates.
 *
 * ```ts
 * // src/hooks/register.ts, referenced from package.json "oclif": {"hooks": {"codex:register": …}}
 * export default definePlugin((registry) => {
 *   registry.register('hasher', 'sha512', {
 *     description: 'SHA-512 (node:crypto)',
 *     module: new URL('../sha512-hasher.js', import.meta.url).href,
 *     export: 'Sha512Hasher',
 *   });
 * });
 * ```
 * Keep the hook module light: import implementations only through `module`.
 */
export function definePlugin(register: (registrar: BackendRegistrar) => void): () => Promise<PluginContribution> {
  return async () => {
    const backends: BackendRegistration[] = [];
    register({
      register(contract, name, spec) {
        backends.push({contract, name, spec});
      },
    });
    return {protocol: REGISTRATION_PROTOCOL, backends};
  };
}

export function isPluginContribution(value: unknown): value is PluginContribution {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<PluginContribution>;
  return candidate.protocol === REGISTRATION_PROTOCOL && Array.isArray(candidate.backends);
}
