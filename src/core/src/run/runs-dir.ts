import {randomBytes} from 'node:crypto';
import {mkdir, rm, stat, writeFile} from 'node:fs/promises';
import {dirname, join, resolve} from 'node:path';
import {CodexError, ExitCode, errnoCode} from '../errors.js';

/**
 * Makes sure `runsDir` is a directory this process can create runs in: it is created if missing (one level at a time — Node's recursive mkdir never returns under some pseudo file systems, such
 * as /proc), then a probe file is written and removed. Anything else is one line naming the config key.
 */
export async function prepareRunsDir(runsDir: string, key = 'runs.dir', options: {readonly create?: boolean} = {}): Promise<string> {
  const root = resolve(runsDir);
  const refuse = (why: string) =>
    new CodexError('E_RUNS_DIR', `${key} ${root} cannot hold runs: ${why}`, {
      hint: `set ${key} to a writable directory (--set ${key}=PATH)`,
      exitCode: ExitCode.config,
    });
  const missing: string[] = [];
  let existing = root;
  for (;;) {
    const info = await stat(existing).catch((error: unknown) => error);
    if (!(info instanceof Error) && typeof info === 'object' && info !== null) {
      if (!(info as {isDirectory(): boolean}).isDirectory()) throw refuse(`${existing} is not a directory`);
      break;
    }
    if (errnoCode(info) !== 'ENOENT') throw refuse(`${existing}: ${errnoCode(info) ?? String(info)}`);
    const parent = dirname(existing);
    if (parent === existing) throw refuse('no part of the path exists');
    missing.unshift(existing);
    existing = parent;
  }
  // Checking before any work (`create: false`) leaves nothing behind: the probe goes where the directory would be made.
  const create = options.create !== false;
  if (create) {
    for (const level of missing) {
      await mkdir(level).catch((error: unknown) => {
        if (errnoCode(error) !== 'EEXIST') throw refuse(`cannot create ${level} (${errnoCode(error) ?? String(error)})`);
      });
    }
  }
  const probe = join(create ? root : existing, `.codex-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '', {flag: 'wx'});
  } catch (error) {
    throw refuse(`cannot write in it (${errnoCode(error) ?? String(error)})`);
  }
  await rm(probe, {force: true});
  return root;
}
