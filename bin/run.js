#!/usr/bin/env node
import {Config, execute, settings} from '@oclif/core';
import {joinSpacedTopics} from '../dist/src/cli/spaced-topics.js';

// Plugins ship compiled ESM: never try to transpile a linked plugin's TypeScript (oclif warns on every command).
settings.enableAutoTranspile = false;

const config = await Config.load(import.meta.url);
await execute({args: joinSpacedTopics(config, process.argv.slice(2)), loadOptions: config});
