import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {escapeControls} from './terminal-text.js';

/**
 * Node warnings as one line each on stderr. oclif reports a plugin it cannot load — a linked plugin whose
 * directory was deleted, say — as a five-line warning on every command; this names the plugin and the
 * command that removes it instead. Installed before oclif loads anything.
 */
export function printWarningsAsLines(dataDir = defaultDataDir()): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error) => {
    process.stderr.write(`warning: ${escapeControls(describeWarning(warning, dataDir))}\n`);
  });
}

export function describeWarning(warning: Error, dataDir: string): string {
  const first = (warning.message.split('\n')[0] ?? '').trim();
  const missing = /open '(.+)\/package\.json'/.exec(first);
  const root = missing?.[1];
  const linked = root === undefined ? undefined : userPlugins(dataDir).find((plugin) => plugin.root === root);
  if (linked && root) {
    return `plugin ${linked.name} (linked from ${root}) is gone: ${root}/package.json does not exist — remove it with codex plugins:uninstall ${linked.name}`;
  }
  return first.replace(/^Plugin: [^:]+: /, '');
}

/** Plugins the user installed or linked, as oclif records them in its data directory. */
function userPlugins(dataDir: string): {name: string; root?: string}[] {
  try {
    const manifest = JSON.parse(readFileSync(join(dataDir, 'package.json'), 'utf8')) as {oclif?: {plugins?: unknown}};
    const plugins = manifest.oclif?.plugins;
    return Array.isArray(plugins)
      ? plugins.filter((plugin): plugin is {name: string; root?: string} => typeof plugin?.name === 'string')
      : [];
  } catch {
    return [];
  }
}

/** oclif's data directory for this CLI (`codex`). */
function defaultDataDir(): string {
  return process.env.CODEX_DATA_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'codex');
}
