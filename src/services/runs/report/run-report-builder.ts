import {inject, injectable} from 'tsyringe';
import {type Manifest, ManifestStore} from '@codex-ml/core';
import {type MetricsSeries, readMetrics} from '../metrics-file.js';
import {type RunArtifact, artifactsOf, runDirectoryOf} from '../run-artifacts.js';
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
  readonly config: unknown;
  readonly artifacts: readonly RunArtifact[];
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
    // Nearest first: the run, its parents, their parents, … (breadth-first, parents in id order).
    for (const manifest of await this.#lineageManifests(root)) {
      const directory = runDirectoryOf(runsDir, manifest.runId);
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
      config: await runConfigOf(root, runDirectoryOf(runsDir, runId)),
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
      for (const parent of [...(manifests[index] as Manifest).parents].sort()) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        const manifest = await this.store.get(parent).catch(() => undefined);
        if (manifest) manifests.push(manifest);
      }
    }
    return manifests;
  }
}
