import type {ContractName, ContractTypes} from './contracts/index.js';
import type {BackendOptions} from './registry.js';

/** DI token of `Backends` (see `Hasher` for why `Symbol.for`). */
export const Backends = Symbol.for('codex-ml.Backends');

/**
 * The one way to reach a backend other than the configured one, injected like a contract
 * (`@inject(Backends)`). For work that is decided by data rather than config: verifying a checksum with the
 * hasher its `<algorithm>:` prefix names, loading a tokenizer.json with the backend of its model type, copying
 * manifests between two stores. Each backend opened here gets its own config block as options, exactly as a
 * bound one does, and is closed with the command.
 */
export interface Backends {
  /** Registered names of a contract, sorted. */
  names(contract: ContractName): string[];
  /** Name of the backend config selects for a contract (whether or not it is registered). */
  selected(contract: ContractName): string;
  /**
   * The backend `name` of a contract with its config options, `options` overriding some of them (a manifest
   * store over another runs directory). Created once per command and (name, options); the bound instance when
   * both match it. An unknown name fails with one line starting with `where` and listing the registered names.
   */
  open<K extends ContractName>(contract: K, name: string, where: string, options?: BackendOptions): Promise<ContractTypes[K]>;
}
