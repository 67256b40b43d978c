// Writes oclif.manifest.json from the built commands, as `oclif manifest` does, without the oclif dev CLI.
import {writeFileSync} from 'node:fs';
import {Plugin} from '@oclif/core';

const plugin = new Plugin({root: process.cwd(), type: 'core', ignoreManifest: true, errorOnManifestCreate: true});
await plugin.load();
// Commands load concurrently, so their order varies run to run; sort them so the file is reproducible and
// CI's staleness check compares content, not timing.
const commands = Object.fromEntries(Object.entries(plugin.manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const manifest = {...plugin.manifest, commands};
writeFileSync('oclif.manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote oclif.manifest.json (${Object.keys(manifest.commands).length} commands)`);
