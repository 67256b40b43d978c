// Writes oclif.manifest.json from the built commands, as `oclif manifest` does, without the oclif dev CLI.
import {writeFileSync} from 'node:fs';
import {Plugin} from '@oclif/core';

const plugin = new Plugin({root: process.cwd(), type: 'core', ignoreManifest: true, errorOnManifestCreate: true});
await plugin.load();
const manifest = {...plugin.manifest, version: plugin.manifest.version};
writeFileSync('oclif.manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote oclif.manifest.json (${Object.keys(manifest.commands).length} commands)`);
