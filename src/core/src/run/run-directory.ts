import {randomBytes} from 'node:crypto';
import {rmSync} from 'node:fs';
import {mkdir, readdir, rename, rm, stat} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {CodexError, ExitCode, errnoCode, fileError} from '../errors.js';
import {type Lock, acquireLock, moveHeld, releaseHeld} from './lock.js';
import {assertRunId, isRunId, newRunId} from './run-id.js';
import {prepareRunsDir} from './runs-dir.js';

/** A run's directory (`<runsDir>/<ULID>/`), locked for writing while this process owns it. */
export class RunDirectory {
  private constructor(
    readonly runId: string,
    readonly path: string,
    private readonly lock: Lock,
  ) {}

  /**
   * Creates a new run with a fresh ULID and takes its lock. The directory appears under its run id with the
   * lock already inside (built under a hidden name, then renamed), so no one ever sees it unlocked and empty.
   * With `discardIfUnfinished`, a process that exits (Ctrl-C included) before releasing the run removes its
   * directory: for runs with nothing worth resuming, which would otherwise be left half-written.
   */
  static async create(runsDir: string, options: {readonly discardIfUnfinished?: boolean} = {}): Promise<RunDirectory> {
    const root = await prepareRunsDir(runsDir);
    const runId = newRunId();
    const path = join(root, runId);
    const staging = join(root, `.${runId}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await mkdir(staging).catch((error: unknown) => {
      throw fileError(root, error, 'create run directory in');
    });
    const lock = await acquireLock(join(staging, '.lock'), `run ${runId}`);
    try {
      await rename(staging, path);
    } catch (error) {
      await lock.release();
      await rm(staging, {recursive: true, force: true}).catch(() => undefined);
      throw fileError(path, error, 'create run directory');
    }
    const lockPath = join(path, '.lock');
    moveHeld(lock.path, lockPath);
    if (options.discardIfUnfinished) discardAtExit(path);
    return new RunDirectory(runId, path, {
      path: lockPath,
      release: async () => {
        unfinished.delete(path);
        await releaseHeld(lockPath);
      },
    });
  }

  /** Opens an existing run for writing (resume); fails clearly when another process holds it. */
  static async open(runsDir: string, runId: string): Promise<RunDirectory> {
    assertRunId(runId, 'run');
    const path = join(resolve(runsDir), runId);
    try {
      if (!(await stat(path)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new CodexError('E_RUN_NOT_FOUND', `run ${runId} does not exist in ${runsDir}`, {
        hint: 'codex runs:list shows the runs there',
        exitCode: ExitCode.input,
      });
    }
    return new RunDirectory(runId, path, await acquireLock(join(path, '.lock'), `run ${runId}`));
  }

  /** Absolute path of an artifact inside the run. */
  file(...segments: string[]): string {
    return join(this.path, ...segments);
  }

  async release(): Promise<void> {
    await this.lock.release();
  }
}

const unfinished = new Set<string>();
let discardHookInstalled = false;

/** Removes `path` if the process exits before the run is released. */
function discardAtExit(path: string): void {
  unfinished.add(path);
  if (discardHookInstalled) return;
  discardHookInstalled = true;
  process.once('exit', () => {
    for (const directory of unfinished) rmSync(directory, {recursive: true, force: true});
  });
}

/** Run ids present in a runs directory, oldest first (ULIDs sort by time). */
export async function listRunIds(runsDir: string): Promise<string[]> {
  try {
    return (await readdir(runsDir)).filter(isRunId).sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw fileError(runsDir, error, 'list');
  }
}
