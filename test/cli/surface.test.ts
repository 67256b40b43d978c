import {readFile, readdir} from 'node:fs/promises';
import test from 'ava';
import {
  SCHEMAS_DIR,
  SNAPSHOT_FILE,
  type SnapshotEntry,
  commandSnapshot,
  generateSchemas,
  jsonCommands,
  schemaFileOf,
  snapshotChanges,
} from '../helpers/cli-surface.js';

const UPDATE = 'if the change is deliberate, run npm run surface:update and commit the result';

test('the commands, flags and aliases are the ones command-snapshot.json announces', async (t) => {
  const committed = JSON.parse(await readFile(SNAPSHOT_FILE, 'utf8')) as SnapshotEntry[];
  const changes = snapshotChanges(committed, await commandSnapshot());
  t.deepEqual(changes, [], `the CLI surface changed:\n  ${changes.join('\n  ')}\n${UPDATE}`);
});

test('an unannounced flag change is caught and named: a flag removed, one added, a new alias, a new command', (t) => {
  const entry: SnapshotEntry = {command: 'hash', plugin: 'codex-ml', flags: ['hasher', 'json'], flagChars: [], flagAliases: [], alias: []};
  const changed = [
    {...entry, flags: ['json', 'hashers']},
    {...entry, command: 'hash:check', flags: []},
  ];
  t.deepEqual(snapshotChanges([entry], changed), [
    'hash: flags "hasher" was removed',
    'hash: flags "hashers" was added',
    'command hash:check was added (flags: none)',
  ]);
  t.deepEqual(snapshotChanges([entry, {...entry, command: 'old'}], [{...entry, alias: ['h']}]), [
    'command old was removed',
    'hash: alias "h" was added',
  ]);
});

test('every command that prints JSON has the schema its result type generates, and no schema is left over', async (t) => {
  const generated = await generateSchemas();
  const commands = await jsonCommands();
  t.true(commands.size >= 25, `${commands.size} commands`);
  for (const [command, schema] of generated) {
    const committed = await readFile(schemaFileOf(command), 'utf8').catch(() => undefined);
    t.not(committed, undefined, `schemas/ has no schema for ${command}; ${UPDATE}`);
    if (committed !== undefined) t.deepEqual(JSON.parse(committed), schema, `the --json output of ${command} changed; ${UPDATE}`);
  }
  const expected = new Set([...generated.keys()].map((command) => schemaFileOf(command).slice(SCHEMAS_DIR.length + 1)));
  const extra = (await readdir(SCHEMAS_DIR)).filter((name) => name !== 'error.json' && !expected.has(name));
  t.deepEqual(extra, [], `schemas of commands that no longer exist; ${UPDATE}`);
});
