import 'reflect-metadata';
import {type DependencyContainer, type InjectionToken, container as rootContainer} from 'tsyringe';
import type {ResolvedConfig} from './config/config-resolver.js';
import {BACKEND_CONFIG_KEYS, CONTRACT_TOKENS, type ContractName, type ContractTypes} from './contracts/index.js';
import {type BackendOptions, type RegisteredBackend, type Registry, instantiateBackend} from './registry.js';

/**
 * Binds the configured backend of each contract into a child container. Binding is lazy and per contract:
 * a command that needs only a hasher never loads (or fails on) the tokenizer plugin.
 */
export class Kernel {
  readonly container: DependencyContainer;
  readonly #bound = new Map<ContractName, {backend: RegisteredBackend; instance: unknown}>();

  constructor(
    readonly registry: Registry,
    readonly config: ResolvedConfig,
    parent: DependencyContainer = rootContainer,
  ) {
    this.container = parent.createChildContainer();
  }

  /** Name of the backend config selects for a contract. */
  backendName(contract: ContractName): string {
    return this.config.get<string>(BACKEND_CONFIG_KEYS[contract]);
  }

  /** The registered backend config selects; a one-line error listing the registered names otherwise. */
  selectedBackend<K extends ContractName>(contract: K): RegisteredBackend<K> {
    const key = BACKEND_CONFIG_KEYS[contract];
    return this.registry.require(contract, this.backendName(contract), `${key} (from ${this.config.sourceOf(key)})`);
  }

  /** Loads the configured backend (once) and binds it to the contract's token. */
  async bind<K extends ContractName>(contract: K, options: BackendOptions = {}): Promise<ContractTypes[K]> {
    const existing = this.#bound.get(contract);
    if (existing) return existing.instance as ContractTypes[K];
    const backend = this.selectedBackend(contract);
    const instance = await instantiateBackend(backend, options);
    this.#bound.set(contract, {backend, instance});
    this.container.register(CONTRACT_TOKENS[contract], {useValue: instance});
    return instance;
  }

  /** The registration a bound contract came from (plugin, version), for manifests. */
  boundBackend(contract: ContractName): RegisteredBackend | undefined {
    return this.#bound.get(contract)?.backend;
  }

  resolve<T>(token: InjectionToken<T>): T {
    return this.container.resolve(token);
  }

  /** Closes bound backends that hold resources (manifest stores, executors). */
  async dispose(): Promise<void> {
    const store = this.#bound.get('manifest-store')?.instance as ContractTypes['manifest-store'] | undefined;
    await store?.close();
    const executor = this.#bound.get('executor')?.instance as ContractTypes['executor'] | undefined;
    await executor?.close();
    this.#bound.clear();
    this.container.clearInstances();
  }
}
