import {readFileSync, rmSync} from 'node:fs';
import {open, readFile, rm} from 'node:fs/promises';
import {hostname} from 'node:os';
import {CodexError, ExitCode, errnoCode, fileError} from '../errors.js';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** An exclusive lock held by this process; `release` is idempotent and also runs at process exit. */
export interface Lock {
  readonly path: string;
  release(): Promise<void>;
}

const held = new Set<string>();
let exitHookInstalled = false;

/**
 * Takes an exclusive lock by creating `path` with O_EXCL. A lock whose owner process is gone (same host, pid
 * not alive) is stale and taken over, so a SIGKILLed run does not block the next one forever.
 */
export async function acquireLock(path: string, what: string): Promise<Lock> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      const owner: LockOwner = {pid: process.pid, host: hostname(), since: new Date().toISOString()};
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      held.add(path);
      installExitHook();
      return {path, release: () => releaseLock(path)};
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw fileError(path, error, 'create lock');
    }
    const owner = await readOwner(path);
    if (owner && (owner.host !== hostname() || isAlive(owner.pid))) {
      throw new CodexError('E_LOCKED', `${what} is locked by process ${owner.pid} on ${owner.host} since ${owner.since}`, {
        hint: `wait for it to finish; if that process is gone, delete ${path}`,
        exitCode: ExitCode.locked,
      });
    }
    // Stale or unreadable (its writer died between create and write): remove and try again.
    await rm(path, {force: true});
  }
  throw new CodexError('E_LOCKED', `${what}: could not take the lock ${path}`, {hint: 'retry', exitCode: ExitCode.locked});
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    const owner = parsed as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

async function releaseLock(path: string): Promise<void> {
  if (!held.delete(path)) return;
  await rm(path, {force: true});
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const path of held) {
      try {
        if (JSON.parse(readFileSync(path, 'utf8')).pid === process.pid) rmSync(path, {force: true});
      } catch {
        // Already gone.
      }
    }
  });
}
