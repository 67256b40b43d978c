import {randomBytes} from 'node:crypto';
import {type Dirent, existsSync} from 'node:fs';
import {readdir, rename, rm, stat} from 'node:fs/promises';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {inject, injectable} from 'tsyringe';
import {
  CodexError,
  ExitCode,
  type Lock,
  ManifestStore,
  type ManifestSummary,
  acquireLock,
  assertRunId,
  errnoCode,
  fileError,
  isCodexError,
  isLive,
  listRunIds,
  liveLeases,
  readOwner,
} from '@codex-ml/core';
import {pausePoint} from '../pause-point.js';
import {RunGraph} from './run-graph.js';
import {runNotFound} from './run-not-found.js';
import {
  type RunsDirectoryScan,
  type ScannedRun,
  type SetAsideRun,
  scanRun,
  scanRunsDirectory,
  setAsideName,
} from './runs-directory-scan.js';
import {checkStoreCoverage} from './store-coverage.js';

export interface CollectOptions {
  readonly runsDir: string;
  /** Runs kept explicitly (`--keep`). */
  readonly keep: readonly string[];
  /** The newest N runs of every kind are kept too (`--keep-last`); 0 keeps only `keep`. */
  readonly keepLast: number;
  /** Also remove run directories that have no manifest and no live writer (crashed runs). */
  readonly orphans: boolean;
}

export interface CollectedRun {
  readonly runId: string;
  /** Undefined for an orphan directory. */
  readonly kind: string | undefined;
  readonly bytes: number;
  /** Only the store lists it: its directory is already gone, so only the index entry is removed. */
  readonly indexOnly?: boolean;
  /** A run its command marked failed (it has no manifest); removed without `--orphans`. */
  readonly failed?: boolean;
}

/** A run gc leaves because a live process writes it (holds its lock) or reads it (holds a lease on it). */
export interface InUseRun {
  readonly runId: string;
  readonly pid: number;
  readonly host: string;
  readonly as: 'writer' | 'reader';
}

export interface CollectPlan {
  /** Runs kept by `keep` or `keepLast`, sorted. */
  readonly kept: readonly string[];
  /** Everything retained: the kept runs, runs in use, unfinished runs, and all their ancestors, sorted. */
  readonly retained: readonly string[];
  /** What gc removes, newest first (children before the parents they consumed). */
  readonly remove: readonly CollectedRun[];
  readonly bytes: number;
  /** Runs left alone because a live process uses them (their ancestors are retained too). */
  readonly inUse: readonly InUseRun[];
  /** What the user should know: entries gc does not follow, an index that lags the run directories. */
  readonly warnings: readonly string[];
}

/** A run directory moved aside under its lock while gc makes sure nothing uses it. */
interface AsideRun {
  readonly run: CollectedRun;
  readonly directory: string;
  readonly aside: string;
  readonly lock: Lock;
}

/**
 * Garbage collection of runs, decided from the run directories themselves: each run's own `manifest.json`
 * says what it is and which runs it consumed. The manifest store is only an index; one that cannot be opened
 * or lists nothing while runs are on disk stops gc (see store-coverage.ts), and runs only the index knows
 * are removed from it alone.
 *
 * A run is retained when it is kept (named with `--keep`, or among the newest `--keep-last` of its kind), in
 * use (a live process holds its lock or a lease on it), unfinished (no manifest yet, unless `--orphans`), or
 * an ancestor of any of those. A damaged manifest stops gc: its parents cannot be known. Entries that are
 * symbolic links are never followed.
 *
 * Removal is safe against concurrent commands: under the run's lock, the directory is moved aside, leases are
 * checked again (a reader that leased it just before the move is seen and the run goes back), runs finished
 * since the plan are checked for naming it as a parent, and only then is it renamed as doomed and deleted. An
 * interrupted gc leaves hidden directories that the next gc puts back (undecided) or finishes (doomed).
 */
@injectable()
export class RunCollector {
  constructor(@inject(ManifestStore) private readonly store: ManifestStore) {}

  async plan(options: CollectOptions): Promise<CollectPlan> {
    return (await this.#plan(options)).plan;
  }

  async #plan(options: CollectOptions): Promise<{plan: CollectPlan; scan: RunsDirectoryScan; recorded: Set<string>}> {
    const scan = await scanRunsDirectory(options.runsDir);
    // A run an interrupted gc left aside is still a run until gc decides again.
    const aside = await Promise.all(
      scan.setAside.filter((entry) => entry.stage === 'aside').map((entry) => scanRun(entry.runId, entry.path)),
    );
    const runs = [...scan.runs, ...aside];
    const damaged = runs.find((run) => run.state === 'damaged');
    if (damaged) {
      throw new CodexError('E_MANIFEST', `run ${damaged.runId}: ${damaged.problem}; gc cannot tell which runs it consumed`, {
        hint: 'restore that manifest from a backup or remove the run directory yourself; nothing was removed',
        exitCode: ExitCode.integrity,
      });
    }
    const recorded = runs.filter((run) => run.state === 'recorded');
    const onDisk = new Map(runs.map((run) => [run.runId, run]));
    const indexed = await this.store.list();
    const warnings: string[] = [];
    const coverage = await checkStoreCoverage(this.store, scan.runsDir, {listed: indexed.length, recorded: recorded.length});
    if (coverage) warnings.push(coverage);
    for (const entry of scan.foreign) {
      warnings.push(`${join(scan.runsDir, entry.name)} is ${entry.what}; gc does not follow or remove it`);
    }
    for (const entry of scan.setAside) {
      warnings.push(
        `run ${entry.runId} was left ${entry.stage === 'aside' ? 'aside' : 'half-removed'} by an interrupted gc; --apply settles it`,
      );
    }

    // Only entries with nothing of that name on disk are index-only; a link's target is never touched, not even through the store.
    const foreign = new Set(scan.foreign.map((entry) => entry.name));
    const indexOnly = indexed.filter((summary) => !onDisk.has(summary.runId) && !foreign.has(summary.runId));
    const graph = new RunGraph([...recorded.map((run) => run.summary as ManifestSummary), ...indexOnly]);
    const kept = new Set<string>();
    for (const runId of options.keep) {
      assertRunId(runId, '--keep');
      if (!graph.summary(runId) && !onDisk.has(runId)) throw runNotFound(runId, this.store.name);
      kept.add(runId);
    }
    for (const runId of newestPerKind(graph, options.keepLast)) kept.add(runId);

    const inUse = runs.filter((run) => run.user !== undefined);
    const unrecorded = runs.filter((run) => run.state === 'unrecorded' && run.user === undefined);
    const failed = unrecorded.filter((run) => run.failure !== undefined);
    const unfinished = unrecorded.filter((run) => run.failure === undefined);
    const staying = [...inUse, ...(options.orphans ? [] : unfinished)];
    const retained = graph.closure([...kept, ...staying.flatMap((run) => [run.runId, ...run.intendedParents])]);

    const candidates: CollectedRun[] = [];
    for (const runId of graph.runIds()) {
      if (!retained.has(runId))
        candidates.push({runId, kind: graph.summary(runId)?.kind, bytes: 0, ...(onDisk.has(runId) ? {} : {indexOnly: true})});
    }
    if (options.orphans)
      for (const run of unfinished) if (!retained.has(run.runId)) candidates.push({runId: run.runId, kind: undefined, bytes: 0});
    for (const run of failed) if (!retained.has(run.runId)) candidates.push({runId: run.runId, kind: undefined, bytes: 0, failed: true});
    const remove = await Promise.all(
      candidates
        .sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0))
        .map(async (run) => ({...run, bytes: run.indexOnly ? 0 : await directorySize(onDisk.get(run.runId)?.path ?? '')})),
    );
    return {
      plan: {
        kept: [...kept].sort(),
        retained: [...retained].filter((runId) => graph.summary(runId) || onDisk.has(runId)).sort(),
        remove,
        bytes: remove.reduce((sum, run) => sum + run.bytes, 0),
        inUse: inUse.map(usage),
        warnings,
      },
      scan,
      recorded: new Set(recorded.map((run) => run.runId)),
    };
  }

  /**
   * Removes what `plan` chose, as far as it still holds: gc re-plans first (runs may have appeared or been
   * leased since), settles what an interrupted gc left, and removes a run only when nothing uses it. Returns
   * what was done: the runs removed and those left because a process used them.
   */
  async apply(plan: CollectPlan, options: CollectOptions): Promise<CollectPlan> {
    await this.#settleInterrupted(await scanRunsDirectory(options.runsDir));
    const {plan: current, scan, recorded} = await this.#plan(options);
    const planned = new Set(plan.remove.map((run) => run.runId));
    const chosen = current.remove.filter((run) => planned.has(run.runId));
    const skipped: InUseRun[] = [];
    const asides: AsideRun[] = [];
    const removed: CollectedRun[] = [];
    try {
      for (const run of chosen) {
        if (run.indexOnly) continue;
        const moved = await this.#setAside(run, scan.runsDir, skipped);
        if (moved) asides.push(moved);
      }
      await pausePoint('gc:aside');
      // A reader that leased a run just before it was moved is seen now, in the moved directory.
      for (const entry of [...asides]) {
        const [reader] = await liveLeases(entry.aside);
        if (reader) {
          skipped.push({runId: entry.run.runId, pid: reader.pid, host: reader.host, as: 'reader'});
          await this.#putBack(entry, asides);
        }
      }
      // Runs that finished since the plan may name a run being removed as a parent: those go back, with their ancestors.
      for (const runId of await this.#parentsOfNewRuns(scan.runsDir, recorded, asides)) {
        const entry = asides.find((candidate) => candidate.run.runId === runId);
        if (entry) await this.#putBack(entry, asides);
      }
      for (const entry of [...asides]) {
        const doomed = join(scan.runsDir, setAsideName('doomed', entry.run.runId, randomBytes(4).toString('hex')));
        await rename(entry.aside, doomed).catch((error: unknown) => {
          throw fileError(entry.aside, error, 'rename');
        });
        asides.splice(asides.indexOf(entry), 1);
        await this.store.delete(entry.run.runId);
        await rm(doomed, {recursive: true, force: true});
        await entry.lock.release();
        removed.push(entry.run);
      }
      for (const run of chosen) {
        if (!run.indexOnly) continue;
        await this.store.delete(run.runId);
        removed.push(run);
      }
    } finally {
      for (const entry of [...asides]) await this.#putBack(entry, asides).catch(() => undefined);
    }
    const kept = new Set(skipped.map((run) => run.runId));
    return {
      ...current,
      retained: [...new Set([...current.retained, ...kept])].sort(),
      remove: removed.filter((run) => !kept.has(run.runId)),
      bytes: removed.reduce((sum, run) => sum + run.bytes, 0),
      inUse: [...current.inUse, ...skipped],
    };
  }

  /** Takes the run's lock and moves its directory aside; undefined (and recorded in `skipped`) when in use. */
  async #setAside(run: CollectedRun, runsDir: string, skipped: InUseRun[]): Promise<AsideRun | undefined> {
    const directory = join(runsDir, run.runId);
    let lock: Lock;
    try {
      lock = await acquireLock(join(directory, '.lock'), `run ${run.runId}`);
    } catch (error) {
      if (isCodexError(error) && error.code === 'E_LOCKED') {
        const writer = await readOwner(join(directory, '.lock'));
        skipped.push({runId: run.runId, pid: writer?.pid ?? 0, host: writer?.host ?? 'unknown', as: 'writer'});
        return undefined;
      }
      if (!existsSync(directory)) return undefined;
      throw error;
    }
    const [reader] = await liveLeases(directory);
    if (reader) {
      skipped.push({runId: run.runId, pid: reader.pid, host: reader.host, as: 'reader'});
      await lock.release();
      return undefined;
    }
    const aside = join(runsDir, setAsideName('aside', run.runId, randomBytes(4).toString('hex')));
    try {
      await rename(directory, aside);
    } catch (error) {
      await lock.release();
      throw fileError(directory, error, 'move aside');
    }
    return {run, directory, aside, lock};
  }

  /** Moves a run back into place and releases its lock; with its aside ancestors, which it needs. */
  async #putBack(entry: AsideRun, asides: AsideRun[]): Promise<void> {
    const index = asides.indexOf(entry);
    if (index < 0) return;
    asides.splice(index, 1);
    await rename(entry.aside, entry.directory).catch((error: unknown) => {
      throw fileError(entry.directory, error, `put back ${entry.aside} as`);
    });
    await entry.lock.release();
    const scanned = await scanRun(entry.run.runId, entry.directory);
    for (const parent of [...(scanned.summary?.parents ?? []), ...scanned.intendedParents]) {
      const aside = asides.find((candidate) => candidate.run.runId === parent);
      if (aside) await this.#putBack(aside, asides);
    }
  }

  /** Parents named by runs that were not recorded when gc planned (created or finished since). */
  async #parentsOfNewRuns(runsDir: string, recorded: ReadonlySet<string>, asides: readonly AsideRun[]): Promise<string[]> {
    if (asides.length === 0) return [];
    const parents = new Set<string>();
    for (const runId of await listRunIds(runsDir)) {
      if (recorded.has(runId)) continue;
      const run = await scanRun(runId, join(runsDir, runId));
      for (const parent of [...(run.summary?.parents ?? []), ...run.intendedParents]) parents.add(parent);
    }
    return [...parents];
  }

  /** Puts back runs an interrupted gc left aside, finishes the removals it had decided, drops dead creations. */
  async #settleInterrupted(scan: RunsDirectoryScan): Promise<void> {
    for (const entry of scan.setAside) {
      if (isLive({pid: entry.owner, host: hostname(), since: ''})) continue;
      await settle(entry, scan.runsDir, this.store);
    }
    for (const path of scan.abandoned) await rm(path, {recursive: true, force: true});
  }
}

async function settle(entry: SetAsideRun, runsDir: string, store: ManifestStore): Promise<void> {
  if (entry.stage === 'doomed') {
    await store.delete(entry.runId);
    await rm(entry.path, {recursive: true, force: true});
    return;
  }
  const directory = join(runsDir, entry.runId);
  if (existsSync(directory)) return;
  await rename(entry.path, directory).catch((error: unknown) => {
    throw fileError(directory, error, `put back ${entry.path} as`);
  });
}

function usage(run: ScannedRun): InUseRun {
  const user = run.user as NonNullable<ScannedRun['user']>;
  return {runId: run.runId, pid: user.pid, host: user.host, as: user.as};
}

/** The newest `count` runs of each kind (ULIDs order runs by creation). */
function newestPerKind(graph: RunGraph, count: number): string[] {
  if (count <= 0) return [];
  const byKind = new Map<string, string[]>();
  for (const runId of graph.runIds()) {
    const kind = graph.summary(runId)?.kind as string;
    const runs = byKind.get(kind);
    if (runs) runs.push(runId);
    else byKind.set(kind, [runId]);
  }
  return [...byKind.values()].flatMap((runs) => runs.slice(-count));
}

/** Bytes under `path`; symbolic links are counted as links, never followed. */
async function directorySize(path: string): Promise<number> {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = await readdir(path, {withFileTypes: true});
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return 0;
    throw fileError(path, error, 'list');
  }
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) total += await directorySize(child);
    else if (entry.isFile())
      total += await stat(child).then(
        (info) => info.size,
        () => 0,
      );
  }
  return total;
}
