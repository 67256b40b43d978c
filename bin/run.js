#!/usr/bin/env node
import {execute, settings} from '@oclif/core';
import {printWarningsAsLines} from '../dist/src/cli/plugin-warnings.js';

// Plugins ship compiled ESM: never try to transpile a linked plugin's TypeScript (oclif warns on every command).
settings.enableAutoTranspile = false;
// A plugin oclif cannot load (a linked one whose directory was deleted) is one line naming it, not five.
printWarningsAsLines();

await execute({dir: import.meta.url});
