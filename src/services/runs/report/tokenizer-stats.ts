import type {Manifest} from '@codex-ml/core';

/** Label and value rows describing a tokenizer, in a fixed order. */
export type TokenizerStats = readonly (readonly [string, string | number])[];

const TOP_LEVEL: readonly (readonly [string, string])[] = [
  ['modelType', 'model'],
  ['vocabSize', 'vocabulary size'],
];
const NESTED = ['stats', 'validation', 'corpus'];

/**
 * What a tokenizer manifest says about the tokenizer: model and vocabulary size, then every number or
 * string in its `stats`, `validation` and `corpus` blocks (bytes per token, unknown rate, corpus size, …).
 * Undefined when the manifest has none of these.
 */
export function tokenizerStatsOf(manifest: Manifest): TokenizerStats | undefined {
  const rows: [string, string | number][] = [];
  for (const [key, label] of TOP_LEVEL) {
    const value = manifest[key];
    if (typeof value === 'number' || typeof value === 'string') rows.push([label, value]);
  }
  for (const block of NESTED) {
    const value = manifest[block];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const [key, entry] of Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (typeof entry === 'number' || typeof entry === 'string') rows.push([`${block} ${humanize(key)}`, entry]);
    }
  }
  return rows.length > 0 ? rows : undefined;
}

function humanize(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}
