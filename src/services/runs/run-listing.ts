import type {Manifest, ManifestSummary} from '@codex-ml/core';

/** A run as `runs:list` shows it: the store's summary, the run's labels, and its key figures. */
export interface RunRow extends ManifestSummary {
  readonly name: string | null;
  readonly tags: readonly string[];
  /**
   * The kind's key figures: data `items`; tokenizer `vocabSize`; training `steps`, `finalLoss`, `finalValLoss`;
   * evaluation `loss`, `perplexity`. Absent when the manifest does not record them.
   */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Which manifest fields are the key figures of each kind of run. */
const KEY_METRICS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  data: {items: 'itemCount'},
  tokenizer: {vocabSize: 'vocabSize'},
  training: {steps: 'steps', finalLoss: 'finalLoss', finalValLoss: 'finalValLoss'},
  evaluation: {loss: 'loss', perplexity: 'perplexity'},
};

export function runRowOf(summary: ManifestSummary, manifest: Manifest | undefined): RunRow {
  const metrics: Record<string, number> = {};
  for (const [name, field] of Object.entries(KEY_METRICS[summary.kind] ?? {})) {
    const value = manifest?.[field];
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
  }
  return {...summary, name: manifest?.name ?? null, tags: [...(manifest?.tags ?? [])], metrics};
}

/**
 * The earliest creation time `--since` admits: an ISO date or time (`2026-12-01`, `2026-12-01T08:00`), or a
 * span back from `now` (`30m`, `12h`, `7d`, `2w`). Undefined when it is neither.
 */
export function sinceTime(since: string, now = Date.now()): number | undefined {
  const span = /^(\d+)\s*(m|min|h|d|w)$/.exec(since.trim());
  if (span) {
    const unit = {m: 60, min: 60, h: 3600, d: 86_400, w: 604_800}[span[2] as 'm' | 'min' | 'h' | 'd' | 'w'];
    return now - Number(span[1]) * unit * 1000;
  }
  const time = /^\d{4}-\d{2}-\d{2}/.test(since) ? Date.parse(since) : Number.NaN;
  return Number.isNaN(time) ? undefined : time;
}
