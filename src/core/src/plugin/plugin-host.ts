import semver from 'semver';
import {API_VERSION} from '../api-version.js';
import {ConfigSchema} from '../config/config-schema.js';
import {configSchema} from '../config/schema.js';
import {isCodexError} from '../errors.js';
import {Registry} from '../registry.js';
import {isPluginContribution, REGISTER_HOOK} from './define-plugin.js';

/** The parts of an oclif plugin the host reads; structural, so core does not depend on oclif. */
export interface HostPlugin {
  readonly name: string;
  readonly version: string;
  /** `core` for plugins bundled with the CLI, `user` / `link` for installed ones. */
  readonly type: string;
  /** package.json; the host reads `codex.apiRange`. */
  readonly pjson: {readonly [key: string]: unknown};
}

export interface HookOutcome {
  readonly successes: ReadonlyArray<{readonly plugin: HostPlugin; readonly result: unknown}>;
  readonly failures: ReadonlyArray<{readonly plugin: HostPlugin; readonly error: unknown}>;
}

/** The parts of oclif's `Config` the host uses. */
export interface HookRunner {
  runHook(event: typeof REGISTER_HOOK, options: {apiVersion: string}): Promise<HookOutcome>;
}

/**
 * Fires the registration hook and builds the registry. Never throws for a plugin's fault: each faulty plugin
 * becomes a `PluginProblem` naming it, and the backends of every other plugin stay usable.
 */
export async function loadRegistry(runner: HookRunner): Promise<Registry> {
  const registry = new Registry(new ConfigSchema(configSchema));
  const outcome = await runner.runHook(REGISTER_HOOK, {apiVersion: API_VERSION});
  for (const {plugin, error} of [...outcome.failures].sort((a, b) => byPlugin(a.plugin, b.plugin))) {
    registry.reportProblem({plugin: plugin.name, message: `failed while registering: ${describe(error)}`});
  }
  // Bundled plugins first, then by name: which of two duplicates wins must not depend on hook timing.
  const successes = [...outcome.successes].sort((a, b) => byPlugin(a.plugin, b.plugin));
  for (const {plugin, result} of successes) {
    if (!isPluginContribution(result)) {
      registry.reportProblem({plugin: plugin.name, message: 'its codex:register hook returned no registration (use definePlugin)'});
      continue;
    }
    const codex = plugin.pjson['codex'];
    const apiRange = typeof codex === 'object' && codex !== null ? (codex as {apiRange?: unknown}).apiRange : undefined;
    if (typeof apiRange !== 'string' || semver.validRange(apiRange) === null) {
      registry.reportProblem({
        plugin: plugin.name,
        message: 'declares no valid core API range; add "codex": {"apiRange": "^1.0.0"} to its package.json',
      });
      continue;
    }
    if (!semver.satisfies(API_VERSION, apiRange)) {
      registry.reportProblem({
        plugin: plugin.name,
        message: `supports core API ${apiRange}, this codex provides ${API_VERSION}; install a version of the plugin built for ${API_VERSION}`,
      });
      continue;
    }
    for (const {section, keys} of result.config ?? []) {
      try {
        registry.schema.contribute(plugin.name, section, keys);
      } catch (error) {
        registry.reportProblem({plugin: plugin.name, message: describe(error)});
      }
    }
    for (const backend of result.backends) {
      try {
        registry.add(backend.contract, backend.name, backend.spec, {plugin: plugin.name, version: plugin.version, apiRange});
      } catch (error) {
        registry.reportProblem({plugin: plugin.name, message: describe(error)});
      }
    }
  }
  return registry;
}

function rank(plugin: HostPlugin): number {
  return plugin.type === 'core' ? 0 : 1;
}

function byPlugin(a: HostPlugin, b: HostPlugin): number {
  return rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function describe(error: unknown): string {
  if (isCodexError(error)) return error.message;
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
