#!/usr/bin/env node
import {readFileSync} from 'node:fs';
import {release} from 'node:os';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  // oclif's user agent, answered without loading oclif (a third of a second of module loading on a busy machine).
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const platform = process.platform === 'linux' && release().toLowerCase().includes('microsoft') ? 'wsl' : process.platform;
  process.stdout.write(`${name}/${version} ${platform}-${process.arch} node-${process.version}\n`);
} else {
  // oclif checks Node against its own engines at import, loading all of semver (~20 ms) before any command
  // runs; `codex doctor` checks Node against this package's engines, which are narrower than oclif's.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
  const {Config, execute, settings} = await import('@oclif/core');
  const {joinSpacedTopics} = await import('../dist/src/cli/spaced-topics.js');
  const {printWarningsAsLines} = await import('../dist/src/cli/plugin-warnings.js');
  // Plugins ship compiled ESM: never try to transpile a linked plugin's TypeScript (oclif warns on every command).
  settings.enableAutoTranspile = false;
  // A plugin oclif cannot load (a linked one whose directory was deleted) is one line naming it, not five.
  printWarningsAsLines();
  const config = await Config.load(import.meta.url);
  await execute({args: joinSpacedTopics(config, argv), loadOptions: config});
}
