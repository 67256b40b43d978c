import {existsSync} from 'node:fs';
import {readdir, rm, stat} from 'node:fs/promises';
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
  isCodexError,
  listRunIds,
} from '@codex-ml/core';
import {runDirectoryOf} from './run-artifacts.js';
import {RunGraph} from './run-graph.js';
import {runNotFound} from './run-not-found.js';

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
}

export interface CollectPlan {
  /** Runs kept by `keep` or `keepLast`, sorted. */
  readonly kept: readonly string[];
  /** Everything retained: the kept runs and all their ancestors, sorted. */
  readonly retained: readonly string[];
  /** What gc removes, newest first (children before the parents they consumed). */
  readonly remove: readonly CollectedRun[];
  readonly bytes: number;
}

/**
 * Garbage collection of runs. A run is retained when it is kept (named with `--keep`, or among the newest
 * `--keep-last` of its kind) or is an ancestor of a kept run; everything else is removed. Ancestors are found
 * through every stored manifest's `parents`, so a kept model keeps its tokenizer and data runs however old
 * they are. While collecting, gc holds each run directory's lock: a run still being written (its lock held by
 * a live process) stops gc, because its parents are not recorded until it finishes.
 */
@injectable()
export class RunCollector {
  constructor(@inject(ManifestStore) private readonly store: ManifestStore) {}

  async plan(options: CollectOptions): Promise<CollectPlan> {
    const summaries = await this.store.list();
    const graph = new RunGraph(summaries);
    const kept = new Set<string>();
    for (const runId of options.keep) {
      assertRunId(runId, '--keep');
      if (!graph.summary(runId)) throw runNotFound(runId, this.store.name);
      kept.add(runId);
    }
    for (const runId of newestPerKind(summaries, options.keepLast)) kept.add(runId);
    const retained = graph.closure(kept);
    const candidates: CollectedRun[] = [];
    for (const runId of graph.runIds()) {
      if (!retained.has(runId)) candidates.push({runId, kind: graph.summary(runId)?.kind, bytes: 0});
    }
    if (options.orphans) {
      for (const runId of await listRunIds(options.runsDir)) {
        if (!graph.summary(runId)) candidates.push({runId, kind: undefined, bytes: 0});
      }
    }
    const remove = await Promise.all(
      candidates
        .sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0))
        .map(async (run) => ({...run, bytes: await directorySize(runDirectoryOf(options.runsDir, run.runId))})),
    );
    return {
      kept: [...kept].sort(),
      retained: [...retained].filter((runId) => graph.summary(runId)).sort(),
      remove,
      bytes: remove.reduce((sum, run) => sum + run.bytes, 0),
    };
  }

  /**
   * Removes what `plan` chose: under the locks of every run directory, the manifest first (so the run leaves
   * listings atomically), then its directory.
   */
  async apply(plan: CollectPlan, options: CollectOptions): Promise<void> {
    const locks: Lock[] = [];
    try {
      for (const runId of await listRunIds(options.runsDir)) {
        const directory = runDirectoryOf(options.runsDir, runId);
        if (!existsSync(directory)) continue;
        try {
          locks.push(await acquireLock(join(directory, '.lock'), `run ${runId}`));
        } catch (error) {
          if (isCodexError(error) && error.code === 'E_LOCKED') {
            throw new CodexError('E_LOCKED', `runs:gc: run ${runId} is being written by another process`, {
              hint: 'run gc when no codex command is writing runs; nothing was removed',
              exitCode: ExitCode.locked,
              cause: error,
            });
          }
          throw error;
        }
      }
      // The plan may be stale if runs were added since; re-plan under the locks so the rule holds for what is there now.
      const current = await this.plan(options);
      const planned = new Set(plan.remove.map((run) => run.runId));
      for (const run of current.remove) {
        if (!planned.has(run.runId)) continue;
        await this.store.delete(run.runId);
        await rm(runDirectoryOf(options.runsDir, run.runId), {recursive: true, force: true});
      }
    } finally {
      for (const lock of locks) await lock.release().catch(() => undefined);
    }
  }
}

/** The newest `count` runs of each kind (ULIDs order runs by creation). */
function newestPerKind(summaries: readonly ManifestSummary[], count: number): string[] {
  if (count <= 0) return [];
  const byKind = new Map<string, string[]>();
  for (const summary of summaries) {
    const runs = byKind.get(summary.kind) ?? [];
    runs.push(summary.runId);
    byKind.set(summary.kind, runs);
  }
  return [...byKind.values()].flatMap((runs) => runs.sort().slice(-count));
}

async function directorySize(path: string): Promise<number> {
  let total = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(path, {withFileTypes: true});
  } catch {
    return 0;
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
