import {inject, injectable} from 'tsyringe';
import {type Manifest, ManifestStore, type Artifact} from '@codex-ml/core';
import {type MetricsSeries, readMetrics} from '../metrics-file.js';
import {artifactsOf, runDirectoryOf} from '../run-artifacts.js';
import {RunCatalog, metricsPathOf} from '../run-catalog.js';
import {runConfigOf} from '../run-config.js';
import {RunGraph} from '../run-graph.js';
import type {Lineage} from './lineage-svg.js';
import {type SplitTable, splitTableOf} from './split-table.js';
import {type TokenizerStats, tokenizerStatsOf} from './tokenizer-stats.js';

/** A part of the report and the run it was taken from (the run itself or its nearest ancestor that has it). */
export interface Sourced<T> {
  readonly runId: string;
  readonly value: T;
}

/** Everything the report shows; each optional part is absent when no run in the lineage has it. */
export interface RunReportData {
  readonly runId: string;
  readonly kind: string;
  readonly createdAt: string;
  readonly parents: readonly string[];
  /** The run's config, or its nearest ancestor's (an evaluation run records none of its own). */
  readonly config?: Sourced<unknown>;
  /** The run's own results: scalar fields of its manifest beyond the header (loss, perplexity, steps, …). */
  readonly results: readonly (readonly [string, string | number | boolean])[];
  readonly artifacts: readonly Artifact[];
  readonly metrics?: Sourced<MetricsSeries>;
  readonly splits?: Sourced<SplitTable>;
  readonly tokenizer?: Sourced<TokenizerStats>;
  readonly lineage: Lineage;
}

/**
 * Gathers a run's report from what exists: its own manifest, metrics file and config, and for the parts it
 * lacks, its nearest ancestors' (a training run shows the split sizes of its data run and the statistics of
 * its tokenizer run). A data-only run yields a data-only report.
 */
@injectable()
export class RunReportBuilder {
  constructor(
    @inject(ManifestStore) private readonly store: ManifestStore,
    @inject(RunCatalog) private readonly catalog: RunCatalog,
  ) {}

  async build(runId: string, runsDir: string): Promise<RunReportData> {
    const root = await this.catalog.manifest(runId);
    const graph = new RunGraph(await this.store.list());
    let metrics: Sourced<MetricsSeries> | undefined;
    let splits: Sourced<SplitTable> | undefined;
    let tokenizer: Sourced<TokenizerStats> | undefined;
    let config: Sourced<unknown> | undefined;
    // Nearest first: the run, its parents, their parents, … (breadth-first, newest parent first).
    for (const manifest of await this.#lineageManifests(root)) {
      const directory = runDirectoryOf(runsDir, manifest.runId);
      if (!config) {
        const value = await runConfigOf(manifest, directory);
        if (value !== null && value !== undefined) config = {runId: manifest.runId, value};
      }
      if (!metrics) {
        const series = await readMetrics(metricsPathOf(directory, artifactsOf(manifest)));
        if (series && series.lines.length > 0) metrics = {runId: manifest.runId, value: series};
      }
      if (!splits) {
        const table = splitTableOf(manifest);
        if (table) splits = {runId: manifest.runId, value: table};
      }
      if (!tokenizer && manifest.kind === 'tokenizer') {
        const stats = tokenizerStatsOf(manifest);
        if (stats) tokenizer = {runId: manifest.runId, value: stats};
      }
    }
    const descendants = new Set(graph.descendants(runId));
    const members = new Set([runId, ...graph.ancestors(runId), ...descendants, ...root.parents]);
    const lineage: Lineage = {
      nodes: [...members].sort().map((id) => ({
        runId: id,
        kind: graph.summary(id)?.kind,
        role: id === runId ? 'self' : descendants.has(id) ? 'descendant' : 'ancestor',
      })),
      edges: [...members].flatMap((child) =>
        (child === runId ? [...root.parents] : graph.parents(child))
          .filter((parent) => members.has(parent))
          .map((parent) => ({parent, child})),
      ),
    };
    return {
      runId,
      kind: root.kind,
      createdAt: root.createdAt,
      parents: root.parents,
      ...(config ? {config} : {}),
      results: resultsOf(root),
      artifacts: artifactsOf(root),
      ...(metrics ? {metrics} : {}),
      ...(splits ? {splits} : {}),
      ...(tokenizer ? {tokenizer} : {}),
      lineage,
    };
  }

  async #lineageManifests(root: Manifest): Promise<Manifest[]> {
    const manifests: Manifest[] = [root];
    const seen = new Set([root.runId]);
    for (let index = 0; index < manifests.length; index++) {
      // Newest parent first: at equal distance the most recent input (the training run behind an evaluation,
      // not the data run) is the closer producer, so its config and metrics describe the run best.
      for (const parent of [...(manifests[index] as Manifest).parents].sort().reverse()) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        const manifest = await this.store.get(parent).catch(() => undefined);
        if (manifest) manifests.push(manifest);
      }
    }
    return manifests;
  }
}

/** Header fields and bookkeeping that the report shows elsewhere or that mean nothing to a reader. */
const NOT_RESULTS = new Set(['schemaVersion', 'kind', 'runId', 'createdAt', 'integrity']);
const LONGEST_RESULT_TEXT = 40;

function resultsOf(manifest: Manifest): [string, string | number | boolean][] {
  return Object.entries(manifest).flatMap(([key, value]): [string, string | number | boolean][] => {
    // Run ids are in the lineage; long strings are digests and paths.
    if (NOT_RESULTS.has(key) || key.endsWith('RunId')) return [];
    if (typeof value === 'number' || typeof value === 'boolean') return [[key, value]];
    if (typeof value === 'string' && value.length <= LONGEST_RESULT_TEXT) return [[key, value]];
    return [];
  });
}
