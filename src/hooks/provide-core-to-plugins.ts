import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Hook} from '@oclif/core';
import {errnoCode, fileError, writeFileAtomic} from '@codex-ml/core';
import {hostCore} from '../services/plugin-generator/core-dependency.js';

/**
 * Before `codex plugins:install` runs npm in the plugin data directory, pins `@codex-ml/core` there to the
 * copy this CLI runs (a `file:` link). Plugins take core as a peer dependency; npm then finds the peer already
 * provided instead of fetching some registry version, so every installed plugin shares the host's core, whatever
 * version the registry has (or whether it has one at all).
 */
const provideCoreToPlugins: Hook<'plugins:preinstall'> = async function () {
  const manifestPath = join(this.config.dataDir, 'package.json');
  let manifest: {dependencies?: Record<string, string>} & Record<string, unknown>;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as typeof manifest;
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw fileError(manifestPath, error);
    // The shape @oclif/plugin-plugins creates for a first install.
    manifest = {name: this.config.name, private: true, oclif: {schema: 1, plugins: []}};
  }
  const spec = `file:${hostCore().directory}`;
  if (manifest.dependencies?.['@codex-ml/core'] === spec) return;
  manifest.dependencies = {...manifest.dependencies, '@codex-ml/core': spec};
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
};

export default provideCoreToPlugins;
