import type {PrepareDataResult} from '../services/data/prepare-data-service.js';
import {formatBytes, formatCount} from './format.js';

/** The human summary of a data run: run, dataset id, a table of splits (and of labels), the manifest path. */
export function dataRunSummary(output: PrepareDataResult): string[] {
  const lines: string[] = [];
  if (output.cached) lines.push(`cache hit: run ${output.runId} has the same dataset, parameters and split (--force writes a new run)`);
  lines.push(
    `run ${output.runId}  ${formatCount(output.itemCount)} items, ${formatBytes(output.bytes)}  splitter ${output.splitter}, seed ${output.seed}`,
  );
  lines.push(`dataset ${output.datasetId}`);
  const rows: string[][] = [['split', 'items', 'bytes', 'share']];
  for (const split of output.splits) {
    rows.push([split.name, formatCount(split.items), formatBytes(split.bytes), `${((100 * split.items) / output.itemCount).toFixed(1)}%`]);
  }
  lines.push(table(rows));
  const labels = [...new Set(output.splits.flatMap((split) => Object.keys(split.labels ?? {})))].sort();
  if (labels.length > 0) {
    const labelRows = [['label', ...output.splits.map((split) => split.name)]];
    for (const label of labels) labelRows.push([label, ...output.splits.map((split) => formatCount(split.labels?.[label] ?? 0))]);
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
