import {randomBytes} from 'node:crypto';
import {readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {CodexError, ExitCode, errnoCode, fileError} from '../errors.js';
import {type LockOwner, createOwnedFile, holdUntilExit, isLive, readOwner, releaseHeld} from './lock.js';

/**
 * A shared claim on a run directory by a process that reads it (a training run on its data run, say). Many
 * processes may hold leases on one run; `runs:gc` never removes a run with a live lease. Released
 * explicitly, at process exit, or — when the holder is killed — seen as stale because its pid is gone.
 */
export interface Lease {
  readonly runDir: string;
  readonly path: string;
  release(): Promise<void>;
}

const LEASE_PATTERN = /^\.lease-\d+-[0-9a-f]{8}$/;

/** How long `acquireLease` waits for a run that `runs:gc` moved aside to check it, to come back. */
const RETURN_WAIT_MS = 5000;

/**
 * Leases the run in `runDir` for this process. Fails with `E_RUN_GONE` when the directory no longer exists.
 *
 * The protocol with `runs:gc`, which removes a run only after moving its directory aside and finding no live
 * lease in it: the lease file is created inside the run directory, so either it is created before the move
 * (and gc finds it and moves the run back) or after (and creating it fails: the run is gone). While gc has the
 * directory aside for that check, this waits for it to come back, so the run is in place on return.
 */
export async function acquireLease(runDir: string, what: string): Promise<Lease> {
  const path = join(runDir, `.lease-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await createOwnedFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw runGone(runDir, what);
    throw fileError(path, error, 'create lease');
  }
  holdUntilExit(path);
  const deadline = Date.now() + RETURN_WAIT_MS;
  for (let delay = 1; !(await exists(path)); delay = Math.min(delay * 2, 50)) {
    if (Date.now() > deadline) throw runGone(runDir, what);
    await new Promise((done) => setTimeout(done, delay));
  }
  return {runDir, path, release: () => releaseHeld(path)};
}

/** The owners of live leases on a run directory (leases of dead processes are ignored). */
export async function liveLeases(runDir: string): Promise<LockOwner[]> {
  let names: string[];
  try {
    names = await readdir(runDir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw fileError(runDir, error, 'list');
  }
  const owners: LockOwner[] = [];
  for (const name of names) {
    if (!LEASE_PATTERN.test(name)) continue;
    const owner = await readOwner(join(runDir, name));
    // An unreadable lease cannot be judged stale: treat it as live.
    if (!owner || isLive(owner)) owners.push(owner ?? {pid: Number(name.split('-')[1]), host: 'unknown', since: 'unknown'});
  }
  return owners;
}

/** Whether a directory entry is a lease file (not an artifact of the run). */
export function isLeaseFile(name: string): boolean {
  return LEASE_PATTERN.test(name);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function runGone(runDir: string, what: string): CodexError {
  return new CodexError('E_RUN_GONE', `${what}: ${runDir} no longer exists (removed while this command started)`, {
    hint: 'runs:gc removed it; re-create the run or name another',
    exitCode: ExitCode.input,
  });
}
