import {inject, injectable} from 'tsyringe';
import {writeFileAtomic} from '@codex-ml/core';
import {readMetrics, summarizeMetrics} from './metrics-file.js';
import {escapeHtml} from './report/html-escape.js';
import {REPORT_STYLE} from './report/html-report.js';
import {type ChartSeries, renderLineChart} from './report/svg-line-chart.js';
import {artifactsOf, runDirectoryOf} from './run-artifacts.js';
import {RunCatalog, metricsPathOf} from './run-catalog.js';
import {runConfigOf} from './run-config.js';
import {runRowOf} from './run-listing.js';

export interface ComparedRun {
  readonly runId: string;
  readonly kind: string;
  readonly name: string | null;
  readonly tags: readonly string[];
  readonly createdAt: string;
}

/** One config key or figure across the runs compared, in their order; null where a run has none. */
export interface ComparedValue {
  readonly key: string;
  readonly values: readonly unknown[];
}

/** What `runs:compare` returns. */
export interface RunComparison {
  readonly runs: readonly ComparedRun[];
  /** Config keys whose values differ between the runs (dotted keys, leaves only). */
  readonly config: readonly ComparedValue[];
  /** How many config keys all runs share with the same value. */
  readonly sameConfig: number;
  /** Key figures from the manifests and metrics.ndjson: final and best losses, perplexity, tokens/s, seconds. */
  readonly metrics: readonly ComparedValue[];
  /** The HTML report overlaying the runs' curves, when one was asked for. */
  readonly report: string | null;
}

const PALETTE = ['#2f6fde', '#d9534f', '#3c9d4a', '#e08a1e', '#7b52c7', '#17a2b8', '#c2437f', '#5b6270'];

/** Several runs side by side: the config keys that differ, their figures, and optionally their curves overlaid. */
@injectable()
export class RunComparisonService {
  constructor(@inject(RunCatalog) private readonly catalog: RunCatalog) {}

  async compare(runIds: readonly string[], options: {readonly runsDir: string; readonly report?: string}): Promise<RunComparison> {
    const loaded = await Promise.all(
      runIds.map(async (runId) => {
        const manifest = await this.catalog.manifest(runId);
        const directory = runDirectoryOf(options.runsDir, runId);
        const metrics = await readMetrics(metricsPathOf(directory, artifactsOf(manifest))).catch(() => undefined);
        const config = flatten((await runConfigOf(manifest, directory)) ?? {});
        return {manifest, directory, metrics, config};
      }),
    );
    const runs = loaded.map(({manifest}) => {
      const row = runRowOf(
        {runId: manifest.runId, kind: manifest.kind, createdAt: manifest.createdAt, parents: manifest.parents, datasetIds: []},
        manifest,
      );
      return {runId: row.runId, kind: row.kind, name: row.name, tags: row.tags, createdAt: row.createdAt};
    });

    const keys = [...new Set(loaded.flatMap(({config}) => [...config.keys()]))].sort();
    const config: ComparedValue[] = [];
    let sameConfig = 0;
    for (const key of keys) {
      const values = loaded.map(({config: values}) => (values.has(key) ? values.get(key) : null));
      if (values.every((value) => JSON.stringify(value) === JSON.stringify(values[0]))) sameConfig++;
      else config.push({key, values});
    }

    const figures = loaded.map(({manifest, metrics}) => {
      const row = runRowOf(
        {runId: manifest.runId, kind: manifest.kind, createdAt: manifest.createdAt, parents: [], datasetIds: []},
        manifest,
      );
      const summary = metrics ? summarizeMetrics(metrics) : undefined;
      return {
        ...row.metrics,
        ...(summary?.bestValLoss === undefined ? {} : {bestValLoss: summary.bestValLoss}),
        ...(summary?.meanTokensPerSecond === undefined ? {} : {tokensPerSecond: summary.meanTokensPerSecond}),
        ...(summary?.elapsedSeconds === undefined ? {} : {seconds: summary.elapsedSeconds}),
      } as Record<string, number>;
    });
    const metricKeys = [...new Set(figures.flatMap((figure) => Object.keys(figure)))];
    const metrics = metricKeys.map((key) => ({key, values: figures.map((figure) => figure[key] ?? null)}));

    let report: string | null = null;
    if (options.report !== undefined) {
      report = options.report;
      await writeFileAtomic(
        report,
        renderComparison(
          runs,
          loaded.map(({metrics: series}) => series),
          config,
          metrics,
        ),
      );
    }
    return {runs, config, sameConfig, metrics, report};
  }
}

/** A config as dotted leaf keys; lists are leaves. */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [name, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${name}` : name, out);
  } else if (prefix !== '') out.set(prefix, value);
  return out;
}

type Series = Awaited<ReturnType<typeof readMetrics>>;

function renderComparison(
  runs: readonly ComparedRun[],
  series: readonly Series[],
  config: readonly ComparedValue[],
  metrics: readonly ComparedValue[],
): string {
  const label = (run: ComparedRun) => `${run.name ?? run.runId.slice(0, 10)} (${run.kind})`;
  const curve = (title: string, pick: (value: NonNullable<Series>) => readonly {step: number; loss?: number}[]) => {
    const lines: ChartSeries[] = runs.flatMap((run, index) => {
      const found = series[index];
      const points = found ? pick(found).flatMap((line) => (line.loss === undefined ? [] : [[line.step, line.loss] as const])) : [];
      return points.length === 0 ? [] : [{name: run.runId, label: label(run), color: PALETTE[index % PALETTE.length] as string, points}];
    });
    return lines.length === 0 ? '' : renderLineChart({title, xLabel: 'step', series: lines});
  };
  const cell = (value: unknown) =>
    `<td>${escapeHtml(value === null || value === undefined ? '–' : typeof value === 'number' ? String(Number(value.toPrecision(6))) : JSON.stringify(value))}</td>`;
  const header = `<tr><th></th>${runs.map((run, index) => `<th style="color:${PALETTE[index % PALETTE.length]}">${escapeHtml(label(run))}<br><span class="id">${escapeHtml(run.runId)}</span></th>`).join('')}</tr>`;
  const table = (rows: readonly ComparedValue[]) =>
    `<table>${header}${rows.map((row) => `<tr><td>${escapeHtml(row.key)}</td>${row.values.map(cell).join('')}</tr>`).join('')}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>codex runs:compare</title><style>${REPORT_STYLE}</style></head>
<body data-runs="${escapeHtml(runs.map((run) => run.runId).join(' '))}">
<h1>${runs.length} runs compared</h1>
<section id="curves"><h2>Curves</h2><div class="charts">${curve('train loss', (value) => value.train)}${curve('val loss', (value) => value.eval)}</div></section>
<section id="metrics"><h2>Figures</h2>${table(metrics)}</section>
<section id="config"><h2>Config that differs</h2>${config.length === 0 ? '<p class="muted">The runs share every config value.</p>' : table(config)}</section>
</body></html>
`;
}
