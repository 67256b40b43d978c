import {join} from 'node:path';
import {type HookOutcome, type HostPlugin, REGISTER_HOOK} from '@codex-ml/core';
import {type Config, type Interfaces, ModuleLoader} from '@oclif/core';

type Plugin = Interfaces.Plugin;

/** How long one plugin may take to load and register before it counts as hung (`CODEX_PLUGIN_TIMEOUT`, ms). */
const HOOK_TIMEOUT_MS = 20_000;

function hookTimeout(): number {
  const configured = Number(process.env.CODEX_PLUGIN_TIMEOUT);
  return Number.isFinite(configured) && configured > 0 ? configured : HOOK_TIMEOUT_MS;
}

/** Thrown in place of exiting when a plugin calls process.exit while it loads. */
class PluginExit extends Error {
  constructor(readonly code: number | string | null | undefined) {
    super(`it called process.exit(${code ?? ''}) while loading`);
  }
}

/**
 * Runs every plugin's `codex:register` hook, each guarded so that one broken plugin cannot take the CLI down:
 * a hook (or its module's top-level code) that never settles is a failure after a timeout; a plugin that calls
 * `process.exit` while loading is a failure instead of an exit; a throw is a failure. Each failure is
 * attributed to its plugin, in the outcome shape `loadRegistry` reads.
 */
export async function runRegisterHooks(config: Config, timeoutMs = hookTimeout()): Promise<HookOutcome> {
  const successes: {plugin: HostPlugin; result: unknown}[] = [];
  const failures: {plugin: HostPlugin; error: unknown}[] = [];
  const exit = process.exit;
  process.exit = ((code?: number | string | null) => {
    throw new PluginExit(code);
  }) as typeof process.exit;
  try {
    await Promise.all(
      [...config.plugins.values()].map(async (plugin) => {
        for (const hook of plugin.hooks[REGISTER_HOOK] ?? []) {
          try {
            const result = await withTimeout(runHook(config, plugin, hook), timeoutMs);
            successes.push({plugin: hostPlugin(plugin), result});
          } catch (error) {
            failures.push({plugin: hostPlugin(plugin), error});
          }
        }
      }),
    );
  } finally {
    process.exit = exit;
  }
  return {successes, failures};
}

async function runHook(config: Config, plugin: Plugin, hook: {target: string; identifier: string}): Promise<unknown> {
  const {module} = await ModuleLoader.loadWithData(plugin, join(plugin.root, hook.target));
  const exported = (module as Record<string, unknown>)[hook.identifier] ?? (module as {default?: unknown}).default;
  if (typeof exported !== 'function') throw new Error(`its ${REGISTER_HOOK} hook ${hook.target} exports no function`);
  return await exported.call({config}, {apiVersion: '', config});
}

/** What the host reads of a plugin, including the `codex` block of its package.json. */
function hostPlugin(plugin: Plugin): HostPlugin {
  const {codex} = plugin.pjson as {codex?: {apiRange?: unknown}};
  return {name: plugin.name, version: plugin.version, type: plugin.type, pjson: codex === undefined ? {} : {codex}};
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Not unref'd: a plugin whose loading awaits forever holds nothing else that keeps the process alive.
    timer = setTimeout(() => reject(new Error(`it did not finish registering within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
