import 'reflect-metadata';
import {type DependencyContainer, type InjectionToken, container as rootContainer} from 'tsyringe';
import {backendOf, loadBackend} from './backend-loader.js';
import {Backends} from './backends.js';
import type {ResolvedConfig} from './config/config-resolver.js';
import {ConfigSchema} from './config/config-schema.js';
import {BACKEND_CONFIG_KEYS, BACKEND_SHARED_OPTIONS, CONTRACT_TOKENS, type ContractName, type ContractTypes} from './contracts/index.js';
import {CodexError, ExitCode} from './errors.js';
import {canonicalJson} from './manifest/canonical-json.js';
import {type BackendOptions, type RegisteredBackend, Registry, backendConfigBlock} from './registry.js';

interface Binding {
  readonly backend: RegisteredBackend;
  readonly options: BackendOptions;
  readonly instance: unknown;
}

/**
 * Binds the configured backend of each contract into a tsyringe child container, where services receive it by
 * constructor injection (`@inject(Hasher)`). Commands declare the contracts they need and the base command
 * binds exactly those, so a command that needs only a hasher never loads (or fails on) the tokenizer plugin.
 * Also provides `Backends` for the backends data, not config, chooses.
 */
export class Kernel implements Backends {
  readonly container: DependencyContainer;
  readonly #bound = new Map<ContractName, Binding>();
  readonly #opened = new Map<string, Promise<unknown>>();

  constructor(
    readonly registry: Registry,
    readonly config: ResolvedConfig,
    parent: DependencyContainer = rootContainer,
  ) {
    this.container = parent.createChildContainer();
    this.container.register(Backends, {useValue: this});
    // The plugins behind the backends, for services that record what produced a run (their versions).
    this.container.register(Registry, {useValue: registry});
    // Services that read a run's recorded config (a snapshot) resolve it against the same keys.
    this.container.register(ConfigSchema, {useValue: config.schema});
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

  /** What backend `name` is created with: the contract's shared keys, then its own config block. */
  optionsFor(contract: ContractName, name: string): BackendOptions {
    const options: Record<string, unknown> = {};
    for (const [option, key] of Object.entries(BACKEND_SHARED_OPTIONS[contract] ?? {})) options[option] = this.config.get(key);
    return {...options, ...this.config.section(backendConfigBlock(contract, name))};
  }

  /**
   * Loads the configured backend with `options` (default: `optionsFor` its name) and binds it to the contract's
   * token. Binding again with equal options returns the same instance; with other options it is an error, since
   * services already holding the first instance would silently keep it.
   */
  async bind<K extends ContractName>(contract: K, options?: BackendOptions): Promise<ContractTypes[K]> {
    const backend = this.selectedBackend(contract);
    const wanted = options ?? this.optionsFor(contract, backend.name);
    const existing = this.#bound.get(contract);
    if (existing) {
      if (canonicalJson(existing.options) !== canonicalJson(wanted)) {
        throw new CodexError(
          'E_KERNEL',
          `${contract} "${backend.name}" is already bound with options ${canonicalJson(existing.options)}; refusing to bind it again with ${canonicalJson(wanted)}`,
          {
            hint: 'open a second instance through Backends.open, or bind once with the options every user needs',
            exitCode: ExitCode.failure,
          },
        );
      }
      return existing.instance as ContractTypes[K];
    }
    const instance = await loadBackend(backend, wanted);
    this.#bound.set(contract, {backend, options: wanted, instance});
    this.container.register(CONTRACT_TOKENS[contract], {useValue: instance});
    return instance;
  }

  /** The registration a bound contract came from (plugin, version), for manifests. */
  boundBackend(contract: ContractName): RegisteredBackend | undefined {
    return this.#bound.get(contract)?.backend;
  }

  names(contract: ContractName): string[] {
    return this.registry.names(contract);
  }

  selected(contract: ContractName): string {
    return this.backendName(contract);
  }

  async open<K extends ContractName>(contract: K, name: string, where: string, options?: BackendOptions): Promise<ContractTypes[K]> {
    const wanted = {...this.optionsFor(contract, name), ...options};
    const bound = this.#bound.get(contract);
    if (bound?.backend.name === name && canonicalJson(bound.options) === canonicalJson(wanted)) return bound.instance as ContractTypes[K];
    const key = `${contract}\u0000${name}\u0000${canonicalJson(wanted)}`;
    let opening = this.#opened.get(key) as Promise<ContractTypes[K]> | undefined;
    if (opening === undefined) {
      opening = loadBackend(this.registry.require(contract, name, where), wanted);
      this.#opened.set(key, opening);
    }
    return await opening;
  }

  /** Resolves a service (or a bound contract) from the child container. */
  resolve<T>(token: InjectionToken<T>): T {
    return this.container.resolve(token);
  }

  /** Closes every manifest store and executor this kernel created (bound or opened). */
  async dispose(): Promise<void> {
    const instances = [...[...this.#bound.values()].map((binding) => binding.instance)];
    for (const opening of this.#opened.values()) instances.push(await opening.catch(() => undefined));
    this.#bound.clear();
    this.#opened.clear();
    this.container.clearInstances();
    for (const instance of instances) {
      if (instance !== undefined && backendOf(instance as ContractTypes[ContractName])?.backend.contract === 'manifest-store') {
        await (instance as ContractTypes['manifest-store']).close();
      }
      if (instance !== undefined && backendOf(instance as ContractTypes[ContractName])?.backend.contract === 'executor') {
        await (instance as ContractTypes['executor']).close();
      }
    }
  }
}
