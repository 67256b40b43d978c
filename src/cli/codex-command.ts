import {join} from 'node:path';
import {Command, Flags, type Interfaces} from '@oclif/core';
import {
  type CodexError,
  type ContractName,
  ExitCode,
  type HookOutcome,
  Kernel,
  type Registry,
  type ResolvedConfig,
  isCodexError,
  loadRegistry,
  resolveConfig,
} from '@codex-ml/core';
import {configLayers, describeLayers} from './config-discovery.js';
import {Interrupts} from './interrupts.js';
import {runRegisterHooks} from './register-hooks.js';
import {escapeControls} from './terminal-text.js';
import {describeProblem} from './problem.js';
import {usageError} from './usage-error.js';
import {progressEnabled} from './progress-bar.js';
import {runLabelOverrides} from './run-label-flags.js';

export type CodexFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof CodexCommand)['baseFlags'] & T['flags']>;
export type CodexArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

/**
 * Base of every codex command: config flags, the plugin registry and kernel, and one-line errors.
 * Subclasses stay thin: parse flags, call a service, print or return the result.
 *
 * Getting backends: a command lists the contracts its services inject in `static contracts`; `kernel()`
 * binds exactly those from config (each with its own config block as options), and services come from
 * `kernel.resolve(Service)` with their contracts injected by constructor. Backends that data rather than
 * config chooses come through the injected `Backends`.
 */
export abstract class CodexCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    config: Flags.string({
      description:
        'YAML config file, layered over the command’s packaged defaults instead of the project’s codex.yaml (repeatable; later wins)',
      helpGroup: 'CONFIG',
      multiple: true,
      // Repeat the flag for more files: a greedy list would swallow the positional arguments that follow it.
      multipleNonGreedy: true,
    }),
    set: Flags.string({
      description: 'Override a config key, e.g. --set hasher=sha256 (repeatable; wins over file and env)',
      helpGroup: 'CONFIG',
      multiple: true,
    }),
    verbose: Flags.boolean({description: 'Show the config files in use, and stack traces on errors', helpGroup: 'GLOBAL'}),
    // How a pipeline's stages get the pipeline's packaged defaults in place of their own.
    defaults: Flags.string({
      description: 'Packaged defaults to layer under the project config, in place of the command’s own',
      hidden: true,
      multiple: true,
      multipleNonGreedy: true,
    }),
  };

  /**
   * True for a command that answers SIGINT and SIGTERM itself (a worker finishing its job, say) instead of
   * the shared handling (`Interrupts`: one line or JSON object, exit 130).
   */
  static handlesSignals = false;

  /** The command's packaged defaults, relative to the package root (configs/…): the lowest config file. */
  static defaultConfigFile: string | undefined;

  /** Contracts this command's services receive by injection; bound from config before any work. */
  static contracts: readonly ContractName[] = [];

  protected flags!: CodexFlags<T>;
  protected args!: CodexArgs<T>;
  /** Every positional argument, for commands that take a variable number (`strict = false`). */
  protected positional: string[] = [];
  #kernel: Kernel | undefined;
  #registry: Promise<Registry> | undefined;
  #configWarned = false;
  #layersShown = false;

  override async init(): Promise<void> {
    if (!(this.ctor as typeof CodexCommand).handlesSignals) Interrupts.install(() => this.jsonEnabled());
    await super.init();
    const {args, argv, flags} = await this.parse({
      // oclif would take piped stdin as a missing argument's value when it arrives within 10 ms — a race
      // under load; commands that read stdin do so themselves, by line.
      args: Object.fromEntries(Object.entries(this.ctor.args ?? {}).map(([name, arg]) => [name, {...arg, ignoreStdin: true}])),
      baseFlags: (super.ctor as typeof CodexCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    });
    this.flags = flags as CodexFlags<T>;
    this.args = args as CodexArgs<T>;
    this.positional = argv.map(String);
  }

  /**
   * Resolved config: defaults < YAML < CODEX_* env < --set, plus per-command overrides (flags), checked
   * against core's keys and every key the plugins contribute.
   */
  protected async configure(overrides: readonly string[] = []): Promise<ResolvedConfig> {
    const {files, baseDir} = this.configLayers();
    const {schema} = await this.registry();
    if (this.flags.verbose && !this.#layersShown) {
      this.#layersShown = true;
      process.stderr.write(`${describeLayers(files)}\n`);
    }
    const config = resolveConfig({
      files,
      baseDir,
      env: process.env,
      sets: [...overrides, ...this.labelOverrides(), ...(this.flags.set ?? [])],
      schema,
    });
    if (!this.#configWarned) for (const warning of config.warnings) this.warnLine(warning);
    this.#configWarned = true;
    return config;
  }

  /** `run.name` / `run.tags` from `--name` / `--tag`, on the commands that declare them (those that create runs). */
  protected labelOverrides(): string[] {
    const flags = this.flags as {name?: unknown; tag?: unknown};
    return runLabelOverrides({
      name: typeof flags.name === 'string' ? flags.name : undefined,
      tag: Array.isArray(flags.tag) ? flags.tag.map(String) : undefined,
    });
  }

  /**
   * Arguments that give a child codex command (a pipeline stage) this command's config files: the same project
   * file or `--config` files, over `packaged` (a path below the package root; default: this command's own).
   */
  protected stageConfigArgs(packaged?: string): string[] {
    const defaults =
      packaged === undefined
        ? this.configLayers()
            .files.filter((file) => file.role === 'defaults')
            .map((file) => file.path)
        : [join(this.config.root, packaged)];
    return [...defaults.flatMap((path) => ['--defaults', path]), ...(this.flags.config ?? []).flatMap((file) => ['--config', file])];
  }

  /**
   * Config files, lowest first: the command's packaged defaults (found inside the installed package, so the same
   * from any directory), then the `--config` files or else the project's `codex.yaml` found walking up.
   */
  protected configLayers(): ReturnType<typeof configLayers> {
    const packaged = (this.ctor as typeof CodexCommand).defaultConfigFile;
    return configLayers({
      packaged: this.flags.defaults ?? (packaged === undefined ? [] : [join(this.config.root, packaged)]),
      explicit: this.flags.config ?? [],
      cwd: process.cwd(),
    });
  }

  /**
   * The registry of every plugin's backends and config keys; each plugin problem is printed once as a one-line
   * warning that says how to remove a plugin the user installed.
   */
  protected async registry(): Promise<Registry> {
    this.#registry ??= this.#loadRegistry();
    return await this.#registry;
  }

  async #loadRegistry(): Promise<Registry> {
    const outcome: HookOutcome = await runRegisterHooks(this.config);
    const registry = await loadRegistry({runHook: async () => outcome});
    for (const problem of registry.problems) {
      const installed = this.config.plugins.get(problem.plugin)?.type;
      const removal = installed === 'user' || installed === 'link' ? ` — remove it with codex plugins:uninstall ${problem.plugin}` : '';
      this.warnLine(`plugin ${problem.plugin}: ${problem.message}${removal}`);
    }
    return registry;
  }

  /**
   * The kernel over `config` (default: `configure()` without overrides) with the command's `contracts` bound,
   * so that every backend is loaded and checked before any work. Built once per command.
   */
  protected async kernel(config?: ResolvedConfig): Promise<Kernel> {
    if (this.#kernel === undefined) {
      const kernel = new Kernel(await this.registry(), config ?? (await this.configure()));
      this.#kernel = kernel;
      const {contracts} = this.ctor as typeof CodexCommand;
      // Every selected name is checked before any backend loads: a typo fails at once, not after a slow engine.
      for (const contract of contracts) kernel.selectedBackend(contract);
      for (const contract of contracts) await kernel.bind(contract);
    }
    return this.#kernel;
  }

  /** A one-line warning on stderr (kept out of stdout so --json output stays parseable). */
  protected warnLine(message: string): void {
    process.stderr.write(`warning: ${escapeControls(message)}\n`);
  }

  /**
   * Progress goes to stderr, and only when a person is watching: a TTY (not CI, not TERM=dumb) and no --json, or
   * a pipeline stage whose parent asks for progress (CODEX_PROGRESS=stderr) while it reads the stage's JSON.
   */
  protected get interactive(): boolean {
    return progressEnabled(this.jsonEnabled());
  }

  /** Under --json exactly one object is printed: none once an interruption has printed its own. */
  protected override logJson(json: unknown): void {
    if (!Interrupts.stopping) super.logJson(json);
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<void> {
    // An interrupted command's failure (a stopped child, say) is reported by the interruption itself.
    if (Interrupts.stopping) return;
    const {flags, args} = this.ctor;
    // A parse that failed was still a parse: oclif would otherwise add a warning for developers after the error.
    this.parsed = true;
    const problem = describeProblem(
      usageError(error, {id: this.id ?? this.ctor.id, flags: {...CodexCommand.baseFlags, ...flags}, args: args ?? {}}) ?? error,
    );
    process.exitCode = problem.exitCode;
    const showStack = this.flags?.verbose || Boolean(process.env.DEBUG);
    if (this.jsonEnabled()) {
      this.logJson({error: {code: problem.code, message: problem.message, hint: problem.hint, exitCode: problem.exitCode}});
    } else {
      process.stderr.write(`Error: ${problem.line}\n`);
    }
    if (showStack && error.stack) process.stderr.write(`${error.stack}\n`);
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    await this.#kernel?.dispose();
    await super.finally(error);
  }
}

export type {CodexError};
export {ExitCode, isCodexError};
