// npm run surface:update — regenerate the frozen CLI surface after a deliberate change: command-snapshot.json
// (commands, flags, aliases) and schemas/<command>.json (each command's --json output). Review the diff, then
// commit it with the change. test/cli/surface.test.ts fails until they match the code.
import {mkdir, readdir, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {SCHEMAS_DIR, SNAPSHOT_FILE, commandSnapshot, generateSchemas, schemaFileOf} from '../dist/test/helpers/cli-surface.js';

const snapshot = await commandSnapshot();
await writeFile(SNAPSHOT_FILE, `${JSON.stringify(snapshot, null, 2)}\n`);
console.log(`wrote ${SNAPSHOT_FILE} (${snapshot.length} commands)`);

const schemas = await generateSchemas();
await mkdir(SCHEMAS_DIR, {recursive: true});
const written = new Set();
for (const [command, schema] of schemas) {
  const file = schemaFileOf(command);
  await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`);
  written.add(file);
}
for (const name of await readdir(SCHEMAS_DIR)) {
  const file = join(SCHEMAS_DIR, name);
  if (name.endsWith('.json') && name !== 'error.json' && !written.has(file)) await rm(file);
}
console.log(`wrote ${schemas.size} schemas to ${SCHEMAS_DIR}`);
