import type {DataManifestSplit} from '../services/data/data-manifest.js';
import type {PrepareDataResult} from '../services/data/prepare-data-service.js';
import {formatBytes} from './progress-bar.js';

/** What `prepare-data` and `data:merge` return (and print with `--json`). */
export interface PrepareDataOutput {
  readonly runId: string;
  /** Path of the manifest file. */
  readonly manifest: string;
  readonly runDir: string;
  readonly datasetId: string;
  readonly splitter: string;
  readonly seed: number;
  readonly itemCount: number;
  readonly bytes: number;
  /** Items per split. */
  readonly counts: Readonly<Record<string, number>>;
  readonly splits: readonly DataManifestSplit[];
  readonly cachedItems: number;
  /** True when an identical earlier run was reused instead of writing a new one. */
  readonly cached: boolean;
}

export function dataRunOutput(result: PrepareDataResult, splitter: string): PrepareDataOutput {
  return {
    runId: result.runId,
    manifest: result.manifest,
    runDir: result.runDir,
    datasetId: result.datasetId,
    splitter,
    seed: result.data.seed,
    itemCount: result.itemCount,
    bytes: result.bytes,
    counts: result.counts,
    splits: result.splits,
    cachedItems: result.cachedItems,
    cached: result.cached,
  };
}

/** The human summary of a data run: run, dataset id, a table of splits (and of labels), the manifest path. */
export function dataRunSummary(output: PrepareDataOutput): string[] {
  const lines: string[] = [];
  if (output.cached) lines.push(`cache hit: run ${output.runId} has the same dataset, parameters and split (--force writes a new run)`);
  lines.push(
    `run ${output.runId}  ${output.itemCount} items, ${formatBytes(output.bytes)}  splitter ${output.splitter}, seed ${output.seed}`,
  );
  lines.push(`dataset ${output.datasetId}`);
  const rows: string[][] = [['split', 'items', 'bytes', 'share']];
  for (const split of output.splits) {
    rows.push([split.name, String(split.items), formatBytes(split.bytes), `${((100 * split.items) / output.itemCount).toFixed(1)}%`]);
  }
  lines.push(table(rows));
  const labels = [...new Set(output.splits.flatMap((split) => Object.keys(split.labels ?? {})))].sort();
  if (labels.length > 0) {
    const labelRows = [['label', ...output.splits.map((split) => split.name)]];
    for (const label of labels) labelRows.push([label, ...output.splits.map((split) => String(split.labels?.[label] ?? 0))]);
    lines.push(table(labelRows));
  }
  lines.push(`manifest ${output.manifest}`);
  return lines;
}

function table(rows: readonly string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '),
    )
    .join('\n');
}
