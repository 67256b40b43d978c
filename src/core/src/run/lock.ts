import {readFileSync, rmSync} from 'node:fs';
import {link, readFile, rm, writeFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import {CodexError, ExitCode, errnoCode, fileError} from '../errors.js';
import {tempPathFor} from './atomic-write.js';

/** Who holds a lock or a lease: written into the file when it is created. */
export interface LockOwner {
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
 * Takes an exclusive lock by creating `path` with its owner already inside: the owner is written to a temp
 * file that is then hard-linked to `path`, which fails if `path` exists. A reader therefore never sees an
 * empty lock file, so a live owner is never mistaken for a dead one. A lock whose owner process is gone (same
 * host, pid not alive) is stale and taken over, so a SIGKILLed run does not block the next one forever.
 */
export async function acquireLock(path: string, what: string): Promise<Lock> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = await createOwnedFile(path).catch((error: unknown) => {
      throw fileError(path, error, 'create lock');
    });
    if (created) {
      holdUntilExit(path);
      return {path, release: () => releaseHeld(path)};
    }
    const owner = await readOwner(path);
    if (owner && isLive(owner)) {
      throw new CodexError('E_LOCKED', `${what} is locked by process ${owner.pid} on ${owner.host} since ${owner.since}`, {
        hint: `wait for it to finish; if that process is gone, delete ${path}`,
        exitCode: ExitCode.locked,
      });
    }
    // Stale, or written by an older version that created the file before filling it.
    await rm(path, {force: true});
  }
  throw new CodexError('E_LOCKED', `${what}: could not take the lock ${path}`, {hint: 'retry', exitCode: ExitCode.locked});
}

/**
 * Creates `path` holding this process as owner, atomically; false when it already exists. Other failures
 * (ENOENT when its directory is gone) are thrown as they come, for the caller to word.
 */
export async function createOwnedFile(path: string): Promise<boolean> {
  const owner: LockOwner = {pid: process.pid, host: hostname(), since: new Date().toISOString()};
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, JSON.stringify(owner), {flag: 'wx'});
    await link(temp, path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, {force: true}).catch(() => undefined);
  }
}

/** The owner recorded in a lock or lease file; undefined when the file is missing or unreadable. */
export async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    const owner = parsed as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the owner may still be running. Another host's process cannot be checked, so it counts as live. */
export function isLive(owner: LockOwner): boolean {
  return owner.host !== hostname() || isAlive(owner.pid);
}

/** Whether a process of this host is running: signal 0 checks without signalling (EPERM: it runs as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/** Removes `path` at process exit unless released before (and only while it still names this process). */
export function holdUntilExit(path: string): void {
  held.add(path);
  installExitHook();
}

/** Forgets and removes a file registered with `holdUntilExit`; a no-op the second time. */
export async function releaseHeld(path: string): Promise<void> {
  if (!held.delete(path)) return;
  await rm(path, {force: true});
}

/** Registers a lock file that now lives at `to` (its directory was renamed) in place of `from`. */
export function moveHeld(from: string, to: string): void {
  if (held.delete(from)) held.add(to);
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
