#!/usr/bin/env node
import {execute, settings} from '@oclif/core';

// Plugins ship compiled ESM: never try to transpile a linked plugin's TypeScript (oclif warns on every command).
settings.enableAutoTranspile = false;

await execute({dir: import.meta.url});
