import {join} from 'node:path';
import {inject, injectable} from 'tsyringe';
import {type Manifest, type ManifestQuery, ManifestStore, assertRunId, type Artifact} from '@codex-ml/core';
import {type RunRow, runRowOf} from './run-listing.js';
import {METRICS_FILE, type MetricsSummary, readMetrics, summarizeMetrics} from './metrics-file.js';
import {artifactsOf, runDirectoryOf} from './run-artifacts.js';
import {runConfigOf} from './run-config.js';
import type {RunFailure} from './failed-run.js';
import {runNotFound} from './run-not-found.js';
import {RUN_MANIFEST_FILE} from './run-manifest-recorder.js';
import {checkStoreCoverage} from './store-coverage.js';

/** What `runs:list` returns: the store's name and the runs matching the query, with labels and key figures. */
export interface RunList {
  readonly store: string;
  readonly runs: readonly RunRow[];
  /** Runs whose command failed after creating them: no manifest, so no store lists them; `runs:gc` removes them. */
  readonly failed?: readonly (RunFailure & {readonly runId: string})[];
}

/** Filters the store does not index: read from each run's manifest. */
export interface RunFilters {
  /** Runs with this tag. */
  readonly tag?: string;
  /** Runs created at or after this time (ms since the epoch). */
  readonly since?: number;
}

/** A related run as `runs:show` lists it; `stored` is false for a parent whose manifest is gone. */
export interface RelatedRun {
  readonly runId: string;
  readonly stored: boolean;
  readonly kind?: string;
  readonly createdAt?: string;
}

export interface RunDetails {
  readonly runId: string;
  readonly kind: string;
  readonly createdAt: string;
  readonly schemaVersion: number;
  readonly runDir: string;
  /** The run's manifest file, `<runDir>/manifest.json`. */
  readonly manifest: string;
  /** The config the run recorded (manifest `config` or `config.snapshot`), or null. */
  readonly config: unknown;
  readonly metrics: MetricsSummary | null;
  readonly artifacts: readonly Artifact[];
  readonly parents: readonly RelatedRun[];
  readonly children: readonly RelatedRun[];
  /** The manifest as the store holds it. */
  readonly record: Manifest;
}

/** Listing and inspecting runs through the bound manifest store. */
@injectable()
export class RunCatalog {
  constructor(@inject(ManifestStore) private readonly store: ManifestStore) {}

  async list(query: ManifestQuery, filters: RunFilters = {}): Promise<RunList> {
    const filtered = filters.tag !== undefined || filters.since !== undefined;
    // A limit counts matching runs: with filters of its own, the store lists all and the limit applies after.
    const summaries = await this.store.list(filtered ? {...query, limit: undefined} : query);
    const since = filters.since;
    const candidates = since === undefined ? summaries : summaries.filter((summary) => Date.parse(summary.createdAt) >= since);
    const runs: RunRow[] = [];
    // Manifests are read a batch at a time: thousands of runs list without thousands of open files.
    for (let start = 0; start < candidates.length; start += 64) {
      const batch = candidates.slice(start, start + 64);
      const manifests = await Promise.all(batch.map((summary) => this.store.get(summary.runId).catch(() => undefined)));
      for (const [index, summary] of batch.entries()) {
        const row = runRowOf(summary, manifests[index]);
        if (filters.tag === undefined || row.tags.includes(filters.tag)) runs.push(row);
      }
      if (filtered && query.limit !== undefined && runs.length >= query.limit) break;
    }
    return {store: this.store.name, runs: filtered && query.limit !== undefined ? runs.slice(0, query.limit) : runs};
  }

  /**
   * Whether the store lists the runs `runsDir` holds: throws when it lists none of them, returns a warning
   * when it misses some. `listed`: the count an unfiltered `list` returned, when known.
   */
  async coverageWarning(runsDir: string, listed?: number): Promise<string | undefined> {
    return await checkStoreCoverage(this.store, runsDir, listed === undefined ? {} : {listed});
  }

  /** The manifest of a run; a one-line error when the id is malformed or unknown. */
  async manifest(runId: string): Promise<Manifest> {
    assertRunId(runId, 'run id');
    const manifest = await this.store.get(runId);
    if (manifest === undefined) throw runNotFound(runId, this.store.name);
    return manifest;
  }

  async show(runId: string, runsDir: string): Promise<RunDetails> {
    const manifest = await this.manifest(runId);
    const directory = runDirectoryOf(runsDir, runId);
    const artifacts = artifactsOf(manifest);
    const metrics = await readMetrics(metricsPathOf(directory, artifacts));
    const parents = await Promise.all(
      manifest.parents.map(async (parentId): Promise<RelatedRun> => {
        const parent = await this.store.get(parentId).catch(() => undefined);
        return parent ? {runId: parentId, stored: true, kind: parent.kind, createdAt: parent.createdAt} : {runId: parentId, stored: false};
      }),
    );
    const children = (await this.store.list({parent: runId})).map((child) => ({
      runId: child.runId,
      stored: true,
      kind: child.kind,
      createdAt: child.createdAt,
    }));
    return {
      runId,
      kind: manifest.kind,
      createdAt: manifest.createdAt,
      schemaVersion: manifest.schemaVersion,
      runDir: directory,
      manifest: join(directory, RUN_MANIFEST_FILE),
      config: await runConfigOf(manifest, directory),
      metrics: metrics ? summarizeMetrics(metrics) : null,
      artifacts,
      parents,
      children,
      record: manifest,
    };
  }
}

/** The metrics file of a run: the artifact named `metrics.ndjson` if recorded, else the conventional place. */
export function metricsPathOf(directory: string, artifacts: readonly Artifact[]): string {
  const recorded = artifacts.find((artifact) => artifact.path === METRICS_FILE || artifact.path.endsWith(`/${METRICS_FILE}`));
  return join(directory, recorded?.path ?? METRICS_FILE);
}
