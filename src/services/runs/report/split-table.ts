import type {Manifest} from '@codex-ml/core';

/** Items per (category, split) of a data run; `total` is the row of split totals. */
export interface SplitTable {
  readonly splits: readonly string[];
  readonly categories: readonly string[];
  /** counts[category][split]. */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly totals: Readonly<Record<string, number>>;
  /** Bytes per split, when the manifest records them. */
  readonly bytes?: Readonly<Record<string, number>>;
}

const SPLIT_ORDER = ['train', 'val', 'validation', 'dev', 'test'];
const COUNT_KEYS = ['items', 'count', 'documents', 'size', 'total'];
const CATEGORY_KEYS = ['categories', 'labels', 'byLabel', 'perLabel', 'byCategory'];

/**
 * Split sizes per category from a data manifest, whichever of the shapes data manifests use it has: a
 * `splits` list (`[{name: "train", items, bytes, labels: {news: 44}}]`, what `prepare-data` writes), per-item
 * membership (`items: [{split, label|category}]`), a `splits` map (`{train: {items, bytes, labels}}` or
 * `{train: 400}`), or a `counts` map of the same shapes. Undefined when none.
 */
export function splitTableOf(manifest: Manifest): SplitTable | undefined {
  const listed = manifest['splits'];
  if (Array.isArray(listed)) {
    const table = tableFromSplitList(listed);
    if (table) return table;
  }
  const items = manifest['items'];
  if (Array.isArray(items) && items.length > 0) {
    const counts: Record<string, Record<string, number>> = {};
    for (const item of items) {
      if (typeof item !== 'object' || item === null) continue;
      const record = item as Record<string, unknown>;
      const split = record['split'];
      if (typeof split !== 'string') continue;
      const category = [record['label'], record['category'], record['group']].find((value) => typeof value === 'string') as
        | string
        | undefined;
      const row = rowOf(counts, category ?? 'all');
      row[split] = (row[split] ?? 0) + 1;
    }
    if (Object.keys(counts).length > 0) return tableFrom(counts, undefined);
  }
  for (const field of ['splits', 'counts', 'splitCounts']) {
    const value = manifest[field];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const counts: Record<string, Record<string, number>> = {};
    const bytes: Record<string, number> = {};
    for (const [split, entry] of Object.entries(value as Record<string, unknown>)) {
      if (typeof entry === 'number') {
        rowOf(counts, 'all')[split] = entry;
        continue;
      }
      if (typeof entry !== 'object' || entry === null) continue;
      const record = entry as Record<string, unknown>;
      const byCategory = CATEGORY_KEYS.map((key) => record[key]).find((candidate) => typeof candidate === 'object' && candidate !== null);
      if (byCategory) {
        for (const [category, count] of Object.entries(byCategory as Record<string, unknown>)) {
          const n = typeof count === 'number' ? count : numberIn(count, COUNT_KEYS);
          if (n !== undefined) rowOf(counts, category)[split] = n;
        }
      } else {
        const n = numberIn(record, COUNT_KEYS);
        if (n !== undefined) rowOf(counts, 'all')[split] = n;
      }
      const size = numberIn(record, ['bytes']);
      if (size !== undefined) bytes[split] = size;
    }
    if (Object.keys(counts).length > 0) return tableFrom(counts, Object.keys(bytes).length > 0 ? bytes : undefined);
  }
  return undefined;
}

function tableFromSplitList(list: readonly unknown[]): SplitTable | undefined {
  const counts: Record<string, Record<string, number>> = {};
  const bytes: Record<string, number> = {};
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const record = entry as Record<string, unknown>;
    const split = record['name'];
    if (typeof split !== 'string') continue;
    const labels = record['labels'];
    if (typeof labels === 'object' && labels !== null) {
      for (const [category, count] of Object.entries(labels as Record<string, unknown>)) {
        if (typeof count === 'number') rowOf(counts, category)[split] = count;
      }
    } else {
      const n = numberIn(record, COUNT_KEYS);
      if (n !== undefined) rowOf(counts, 'all')[split] = n;
    }
    const size = numberIn(record, ['bytes']);
    if (size !== undefined) bytes[split] = size;
  }
  if (Object.keys(counts).length === 0) return undefined;
  return tableFrom(counts, Object.keys(bytes).length > 0 ? bytes : undefined);
}

function tableFrom(counts: Record<string, Record<string, number>>, bytes: Record<string, number> | undefined): SplitTable {
  const splitNames = new Set(Object.values(counts).flatMap((row) => Object.keys(row)));
  // Conventional splits first in their usual order, then any others alphabetically.
  const splits = [...splitNames].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const categories = Object.keys(counts).sort();
  const totals: Record<string, number> = {};
  for (const split of splits) totals[split] = categories.reduce((sum, category) => sum + (counts[category]?.[split] ?? 0), 0);
  return {splits, categories, counts, totals, ...(bytes ? {bytes} : {})};
}

function rowOf(counts: Record<string, Record<string, number>>, category: string): Record<string, number> {
  counts[category] ??= {};
  return counts[category];
}

function rank(split: string): number {
  const index = SPLIT_ORDER.indexOf(split);
  return index === -1 ? SPLIT_ORDER.length : index;
}

function numberIn(value: unknown, keys: readonly string[]): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of keys) {
    const candidate = (value as Record<string, unknown>)[key];
    if (typeof candidate === 'number' && Number.isFinite(candidate)) return candidate;
  }
  return undefined;
}
