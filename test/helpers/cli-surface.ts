import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {Config} from '@oclif/core';
import {repoRoot} from './run-cli.js';

/**
 * The frozen CLI surface: `command-snapshot.json` (every command with its flags and aliases, as the Salesforce
 * CLI plugins keep it) and `schemas/<command>.json` (the JSON Schema of each codex command's `--json` output,
 * generated from the result type its `run()` returns). Both are regenerated on purpose with
 * `npm run surface:update`; `test/cli/surface.test.ts` fails when either differs from the code.
 */

export interface SnapshotEntry {
  readonly command: string;
  readonly plugin: string;
  readonly flags: readonly string[];
  readonly flagChars: readonly string[];
  readonly flagAliases: readonly string[];
  readonly alias: readonly string[];
}

export const SNAPSHOT_FILE = join(repoRoot, 'command-snapshot.json');
export const SCHEMAS_DIR = join(repoRoot, 'schemas');

/** Commands whose `--json` prints JSON Lines, one object per input line, instead of their `run()` result. */
export const JSON_LINE_TYPES: Readonly<Record<string, string>> = {
  'tokenizer:encode': 'EncodedLine',
  'tokenizer:decode': 'DecodedLine',
};

/** Every command the CLI ships (its own and its bundled plugins'), flags sorted, hidden ones included. */
export async function commandSnapshot(): Promise<SnapshotEntry[]> {
  const config = await Config.load(repoRoot);
  return config.commands
    .filter((command) => command.pluginType === 'core')
    .map((command) => {
      const flags = Object.entries(command.flags);
      return {
        command: command.id,
        plugin: command.pluginName ?? '',
        flags: flags.map(([name]) => name).sort(),
        flagChars: flags.flatMap(([, flag]) => (flag.char === undefined ? [] : [flag.char])).sort(),
        flagAliases: flags.flatMap(([, flag]) => [...(flag.aliases ?? []), ...(flag.charAliases ?? [])]).sort(),
        alias: [...command.aliases].sort(),
      };
    })
    .sort((a, b) => (a.command < b.command ? -1 : a.command > b.command ? 1 : 0));
}

/** What changed between a committed snapshot and the current one, one line per change (empty when equal). */
export function snapshotChanges(committed: readonly SnapshotEntry[], current: readonly SnapshotEntry[]): string[] {
  const changes: string[] = [];
  const before = new Map(committed.map((entry) => [entry.command, entry]));
  const after = new Map(current.map((entry) => [entry.command, entry]));
  for (const [command] of before) if (!after.has(command)) changes.push(`command ${command} was removed`);
  for (const [command, entry] of after) {
    const old = before.get(command);
    if (old === undefined) {
      changes.push(`command ${command} was added (flags: ${entry.flags.join(', ') || 'none'})`);
      continue;
    }
    for (const field of ['flags', 'flagChars', 'flagAliases', 'alias'] as const) {
      for (const name of old[field]) if (!entry[field].includes(name)) changes.push(`${command}: ${field} "${name}" was removed`);
      for (const name of entry[field]) if (!old[field].includes(name)) changes.push(`${command}: ${field} "${name}" was added`);
    }
  }
  return changes;
}

export function schemaFileOf(command: string): string {
  return join(SCHEMAS_DIR, `${command.replaceAll(':', '-')}.json`);
}

/** The codex commands that print JSON, with the type their `--json` output has (from their source). */
export async function jsonCommands(): Promise<Map<string, string>> {
  const commands = new Map<string, string>();
  const root = join(repoRoot, 'src', 'commands');
  for (const file of await sourceFiles(root)) {
    const id = file
      .slice(root.length + 1, -'.ts'.length)
      .split('/')
      .join(':');
    const text = await readFile(file, 'utf8');
    const returned = /async run\(\): Promise<(\w+)>/.exec(text)?.[1];
    if (returned === undefined) throw new Error(`${file}: run() must return Promise<NamedResultType> for its --json schema`);
    commands.set(id, JSON_LINE_TYPES[id] ?? returned);
  }
  return new Map([...commands].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** JSON Schema of every codex command's `--json` output, by command id, generated from the TypeScript types. */
export async function generateSchemas(): Promise<Map<string, unknown>> {
  const {createGenerator} = await import('ts-json-schema-generator');
  const generator = createGenerator({
    path: join(repoRoot, 'src', '**', '*.ts'),
    tsconfig: join(repoRoot, 'tsconfig.json'),
    skipTypeCheck: true,
    expose: 'export',
    topRef: false,
    jsDoc: 'extended',
    additionalProperties: false,
    sortProps: true,
  });
  const schemas = new Map<string, unknown>();
  for (const [command, type] of await jsonCommands()) {
    const schema = generator.createSchema(type) as Record<string, unknown>;
    schemas.set(command, {$comment: `codex ${command} --json (${type}); regenerate with npm run surface:update`, ...schema});
  }
  return schemas;
}

async function sourceFiles(directory: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(directory, {withFileTypes: true})) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files.sort();
}
