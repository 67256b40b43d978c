import {existsSync} from 'node:fs';
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
import {Interrupts} from './interrupts.js';
import {runRegisterHooks} from './register-hooks.js';
import {escapeControls} from './terminal-text.js';
import {describeProblem} from './problem.js';

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
      description: 'YAML config file (defaults to the command’s configs/<domain>/base.yaml when present)',
      helpGroup: 'CONFIG',
    }),
    set: Flags.string({
      description: 'Override a config key, e.g. --set hasher=sha256 (repeatable; wins over file and env)',
      helpGroup: 'CONFIG',
      multiple: true,
    }),
    verbose: Flags.boolean({description: 'Show stack traces on errors', helpGroup: 'GLOBAL'}),
  };

  /**
   * True for a command that answers SIGINT and SIGTERM itself (a worker finishing its job, say) instead of
   * the shared handling (`Interrupts`: one line or JSON object, exit 130).
   */
  static handlesSignals = false;

  /** Config file used when `--config` is not given, relative to the working directory, if it exists. */
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
    const fallback = (this.ctor as typeof CodexCommand).defaultConfigFile;
    const file = this.flags.config ?? (fallback !== undefined && existsSync(fallback) ? fallback : undefined);
    const {schema} = await this.registry();
    const config = resolveConfig({file, env: process.env, sets: [...overrides, ...(this.flags.set ?? [])], schema});
    if (!this.#configWarned) for (const warning of config.warnings) this.warnLine(warning);
    this.#configWarned = true;
    return config;
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
      for (const contract of (this.ctor as typeof CodexCommand).contracts) await kernel.bind(contract);
    }
    return this.#kernel;
  }

  /** A one-line warning on stderr (kept out of stdout so --json output stays parseable). */
  protected warnLine(message: string): void {
    process.stderr.write(`warning: ${escapeControls(message)}\n`);
  }

  /**
   * Progress and chatter go to stderr, and only when a person is watching: a TTY and no --json, or a
   * pipeline stage whose parent asks for progress (CODEX_PROGRESS=stderr) while it reads the stage's JSON.
   */
  protected get interactive(): boolean {
    return Boolean(process.stderr.isTTY) && (!this.jsonEnabled() || process.env.CODEX_PROGRESS === 'stderr');
  }

  /** Under --json exactly one object is printed: none once an interruption has printed its own. */
  protected override logJson(json: unknown): void {
    if (!Interrupts.stopping) super.logJson(json);
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<void> {
    // An interrupted command's failure (a stopped child, say) is reported by the interruption itself.
    if (Interrupts.stopping) return;
    const problem = describeProblem(error);
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
