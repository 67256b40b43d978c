import {readFile} from 'node:fs/promises';
import {CodexError, ExitCode, errnoCode, fileError} from '@codex-ml/core';

/** One line of a run's `metrics.ndjson`. Training lines carry `step` and `loss`; eval lines say `kind: "eval"`. */
export interface MetricsLine {
  readonly step: number;
  readonly kind: 'train' | 'eval';
  readonly loss?: number;
  readonly lr?: number;
  readonly gradNorm?: number;
  readonly tokensPerSecond?: number;
  readonly elapsed?: number;
}

export interface MetricsSeries {
  /** Every line, in file order. */
  readonly lines: readonly MetricsLine[];
  readonly train: readonly MetricsLine[];
  readonly eval: readonly MetricsLine[];
}

export interface MetricsSummary {
  readonly lines: number;
  readonly trainSteps: number;
  readonly evals: number;
  readonly lastStep: number | undefined;
  readonly finalLoss: number | undefined;
  readonly bestValLoss: number | undefined;
  readonly finalLr: number | undefined;
  readonly meanTokensPerSecond: number | undefined;
  readonly elapsedSeconds: number | undefined;
}

/** Name of the metrics file in a run directory. */
export const METRICS_FILE = 'metrics.ndjson';

/**
 * Reads `metrics.ndjson`; `undefined` when the run has none (data and tokenizer runs). Field names vary
 * between writers, so a few spellings are accepted (`tokens_per_s`, `tokensPerSecond`, `grad_norm`, …).
 * A line that is not JSON is an error naming the file and line: a silently skipped line would make the
 * report's curves disagree with the file.
 */
export async function readMetrics(path: string): Promise<MetricsSeries | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw fileError(path, error);
  }
  const lines: MetricsLine[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new CodexError('E_METRICS', `${path}:${index + 1}: not a JSON line`, {
        hint: 'the metrics file was truncated or edited; the run that wrote it may have been killed mid-line',
        exitCode: ExitCode.input,
      });
    }
    const step = numberOf(record, 'step');
    if (step === undefined) continue;
    lines.push({
      step,
      kind: record['kind'] === 'eval' || record['split'] === 'val' ? 'eval' : 'train',
      loss: numberOf(record, 'loss', 'val_loss', 'valLoss'),
      lr: numberOf(record, 'lr', 'learning_rate', 'learningRate'),
      gradNorm: numberOf(record, 'grad_norm', 'gradNorm'),
      tokensPerSecond: numberOf(record, 'tokens_per_s', 'tokens_per_sec', 'tokensPerSecond', 'tokens/s'),
      elapsed: numberOf(record, 'elapsed', 'elapsed_s', 'elapsedSeconds'),
    });
  }
  return {lines, train: lines.filter((line) => line.kind === 'train'), eval: lines.filter((line) => line.kind === 'eval')};
}

export function summarizeMetrics(series: MetricsSeries): MetricsSummary {
  const last = series.train.at(-1);
  const valLosses = series.eval.flatMap((line) => (line.loss === undefined ? [] : [line.loss]));
  const speeds = series.train.flatMap((line) => (line.tokensPerSecond === undefined ? [] : [line.tokensPerSecond]));
  const elapsed = series.lines.flatMap((line) => (line.elapsed === undefined ? [] : [line.elapsed]));
  return {
    lines: series.lines.length,
    trainSteps: series.train.length,
    evals: series.eval.length,
    lastStep: series.lines.reduce<number | undefined>((max, line) => (max === undefined || line.step > max ? line.step : max), undefined),
    finalLoss: last?.loss,
    bestValLoss: valLosses.length > 0 ? Math.min(...valLosses) : undefined,
    finalLr: last?.lr,
    meanTokensPerSecond: speeds.length > 0 ? speeds.reduce((sum, value) => sum + value, 0) / speeds.length : undefined,
    elapsedSeconds: elapsed.length > 0 ? Math.max(...elapsed) : undefined,
  };
}

function numberOf(record: Record<string, unknown>, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}
