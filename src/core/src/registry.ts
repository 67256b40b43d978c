import type {ConfigSection} from './config/config-key.js';
import {ConfigSchema} from './config/config-schema.js';
import {BACKEND_CONFIG_BLOCKS, CONTRACT_NAMES, type ContractName} from './contracts/index.js';
import {CodexError, ExitCode} from './errors.js';

/**
 * How a backend is found. A module URL plus an export name rather than a closure, so that the backend can be
 * loaded lazily (start-up stays fast) and also inside worker threads (parallel hashing), where closures from
 * the main thread do not exist.
 */
export interface BackendSpec {
  /** One line shown by `codex backends`. */
  readonly description: string;
  /** `file:` URL of the ES module that implements the backend; typically `new URL('./x.js', import.meta.url).href`. */
  readonly module: string;
  /** Name of the export that has `create(options)`; a class with a static `create` qualifies. */
  readonly export: string;
  /**
   * The backend's own config keys, relative to its block `<BACKEND_CONFIG_BLOCKS[contract]>.<name>`
   * (`training.optimizer.adamw.beta1`). Declared here, they are validated, overridable by `CODEX_*` and
   * `--set`, listed by `codex config:show`, and their resolved values are the options `create` receives.
   */
  readonly config?: ConfigSection;
}

/**
 * Options passed to a backend's `create`: its own config block (`<block>.<name>.*`), plus the shared keys
 * its contract hands to every backend (`BACKEND_SHARED_OPTIONS`, e.g. a manifest store's `dir`).
 */
export type BackendOptions = Readonly<Record<string, unknown>>;

/** What `BackendSpec.export` must name. */
export interface BackendModule<C> {
  create(options: BackendOptions): C | Promise<C>;
}

/** Full config key prefix of a backend's own block. */
export function backendConfigBlock(contract: ContractName, name: string): string {
  return `${BACKEND_CONFIG_BLOCKS[contract]}.${name}`;
}

/** Who registered a backend. */
export interface BackendOrigin {
  readonly plugin: string;
  readonly version: string;
  /** The core API range the plugin declared. */
  readonly apiRange: string;
}

export interface RegisteredBackend<K extends ContractName = ContractName> extends BackendOrigin {
  readonly contract: K;
  readonly name: string;
  readonly spec: BackendSpec;
}

/** A plugin that could not contribute (threw, wrong API range, duplicate name, malformed registration). */
export interface PluginProblem {
  readonly plugin: string;
  readonly message: string;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Backends by (contract, name), and the config schema their plugins extend. Refuses duplicates, naming both
 * plugins, so two plugins can never silently shadow each other's backends or keys.
 */
export class Registry {
  readonly #backends = new Map<string, RegisteredBackend>();
  readonly #problems: PluginProblem[] = [];

  /** `schema`: the keys config may hold; core's own by default, then every backend's and plugin's contributions. */
  constructor(readonly schema: ConfigSchema = new ConfigSchema()) {}

  add<K extends ContractName>(contract: K, name: string, spec: BackendSpec, origin: BackendOrigin): void {
    if (!CONTRACT_NAMES.includes(contract)) {
      throw new CodexError('E_PLUGIN', `plugin ${origin.plugin} registers unknown contract "${contract}"`, {
        hint: `use one of ${CONTRACT_NAMES.join(', ')}`,
        exitCode: ExitCode.plugin,
      });
    }
    if (!NAME_PATTERN.test(name)) {
      throw new CodexError('E_PLUGIN', `plugin ${origin.plugin} registers ${contract} "${name}", an invalid name`, {
        hint: 'backend names are lowercase letters, digits, ".", "_" and "-"',
        exitCode: ExitCode.plugin,
      });
    }
    if (typeof spec?.module !== 'string' || typeof spec.export !== 'string') {
      throw new CodexError('E_PLUGIN', `plugin ${origin.plugin} registers ${contract} "${name}" without module/export`, {
        hint: 'pass {module: new URL("./impl.js", import.meta.url).href, export: "ClassName", description}',
        exitCode: ExitCode.plugin,
      });
    }
    const key = `${contract}\u0000${name}`;
    const existing = this.#backends.get(key);
    if (existing) {
      throw new CodexError(
        'E_PLUGIN_DUPLICATE',
        `${contract} "${name}" from ${origin.plugin} is already registered by ${existing.plugin}`,
        {hint: `uninstall one of them (codex plugins:uninstall ${origin.plugin})`, exitCode: ExitCode.plugin},
      );
    }
    // Keys first: a backend whose options cannot be declared is not registered at all.
    if (spec.config !== undefined) this.schema.contribute(origin.plugin, backendConfigBlock(contract, name), spec.config);
    this.#backends.set(key, {contract, name, spec: {...spec}, ...origin});
  }

  get<K extends ContractName>(contract: K, name: string): RegisteredBackend<K> | undefined {
    return this.#backends.get(`${contract}\u0000${name}`) as RegisteredBackend<K> | undefined;
  }

  /** Registered names of a contract, sorted. */
  names(contract: ContractName): string[] {
    return this.list(contract).map((backend) => backend.name);
  }

  /** Every backend, sorted by contract then name, so listings are stable. */
  list(contract?: ContractName): RegisteredBackend[] {
    return [...this.#backends.values()]
      .filter((backend) => contract === undefined || backend.contract === contract)
      .sort((a, b) => (a.contract === b.contract ? compare(a.name, b.name) : compare(a.contract, b.contract)));
  }

  reportProblem(problem: PluginProblem): void {
    this.#problems.push(problem);
  }

  get problems(): readonly PluginProblem[] {
    return this.#problems;
  }

  /** Throws a one-line error listing the registered names when `name` is unknown. */
  require<K extends ContractName>(contract: K, name: string, where: string): RegisteredBackend<K> {
    const backend = this.get(contract, name);
    if (backend) return backend;
    const known = this.names(contract);
    throw new CodexError(
      'E_UNKNOWN_BACKEND',
      `${where}: unknown ${contract} backend "${name}"; registered: ${known.length > 0 ? known.join(', ') : '(none)'}`,
      {
        hint: `choose one of those, or add a plugin that provides it: codex plugins:install <package-or-path>`,
        exitCode: ExitCode.config,
      },
    );
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
