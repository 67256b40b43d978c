import {realpathSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, isAbsolute, relative, sep} from 'node:path';

/** The `@codex-ml/core` this CLI runs: where it is and which version. */
export interface HostCore {
  readonly directory: string;
  readonly version: string;
}

export function hostCore(): HostCore {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@codex-ml/core/package.json');
  const {version} = require('@codex-ml/core/package.json') as {version: string};
  return {directory: dirname(realpathSync(manifest)), version};
}

/**
 * The dev dependency through which a generated plugin's build and tests get core. A CLI installed from the
 * registry has core from the registry too, so the plugin asks for the same version range. A CLI run from a
 * source checkout has core only on disk, so the plugin points at it with a `file:` path: relative when both
 * share a parent below the file system root (so a checkout can move), absolute otherwise.
 */
export function coreDevDependency(core: HostCore, pluginDirectory: string): string {
  if (core.directory.split(sep).includes('node_modules')) return `^${core.version}`;
  const path = relative(pluginDirectory, core.directory);
  const sharedTop =
    path.split(sep).filter((part) => part === '..').length < pluginDirectory.split(sep).filter((part) => part !== '').length;
  return `file:${sharedTop && !isAbsolute(path) ? path.split(sep).join('/') : core.directory}`;
}
