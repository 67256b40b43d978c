import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {type HookOutcome, type Registry, loadRegistry} from '@codex-ml/core';
import {repoRoot} from './run-cli.js';

/** The bundled plugins, as package.json's `oclif.plugins` lists them. */
const BUNDLED = ['hashers', 'tokenizers', 'tfjs', 'sqlite-store', 'splitters', 'manifest-stores'];

/**
 * The registry the CLI builds, in-process: every bundled plugin's `codex:register` hook run the way oclif runs
 * it, so tests that resolve config or bind backends see the keys and backends plugins contribute.
 */
export async function bundledRegistry(): Promise<Registry> {
  const successes: Array<HookOutcome['successes'][number]> = [];
  for (const name of BUNDLED) {
    const directory = join(repoRoot, 'plugins', name);
    const pjson = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      oclif: {hooks: {'codex:register': string}};
    };
    const hook = (await import(join(directory, pjson.oclif.hooks['codex:register']))) as {default: () => Promise<unknown>};
    successes.push({plugin: {name: pjson.name, version: pjson.version, type: 'core', pjson}, result: await hook.default()});
  }
  return await loadRegistry({runHook: async () => ({successes, failures: []})});
}
