import type {SplitItem, SplitRatio, Splitter} from '@codex-ml/core';
import {GroupedSplitter} from './grouped-splitter.js';
import {HashBucketSplitter} from './hash-bucket-splitter.js';
import {SeededSplitter} from './seeded-splitter.js';
import {splitProblem} from './split-problem.js';
import {StratifiedSplitter} from './stratified-splitter.js';

/**
 * Ratios as a list of numbers (named `train`/`test`, `train`/`validation`/`test`, or `split0`…), a record of
 * name → ratio, or the contract's `SplitRatio` list.
 */
export type RatiosInput = readonly number[] | Readonly<Record<string, number>> | readonly SplitRatio[];

export type SplitterName = 'seeded' | 'hash-bucket' | 'stratified' | 'grouped';

export interface SeededSplitOptions {
  /** Default `seeded` (exact sizes). */
  readonly splitter?: SplitterName;
}

const SPLITTERS: Readonly<Record<SplitterName, () => Splitter>> = {
  seeded: SeededSplitter.create,
  'hash-bucket': HashBucketSplitter.create,
  stratified: StratifiedSplitter.create,
  grouped: GroupedSplitter.create,
};

/**
 * The library form of `codex prepare-data`'s split: deterministic on every machine and independent of the
 * order of `items`. Strings are ids; objects keep their `label`/`group` and are returned as given.
 *
 * ```ts
 * const {train, validation, test} = seededSplit(ids, [0.8, 0.1, 0.1], 42);
 * ```
 * Each split's items are sorted by id (UTF-16 code unit order). Throws `CodexError` `E_SPLIT` on bad input.
 */
export function seededSplit<T extends string | SplitItem>(
  items: readonly T[],
  ratios: RatiosInput,
  seed: number,
  options: SeededSplitOptions = {},
): Record<string, T[]> {
  const named = namedRatios(ratios);
  const create = SPLITTERS[options.splitter ?? 'seeded'];
  if (!create)
    throw splitProblem(`unknown splitter ${JSON.stringify(options.splitter)}`, `use one of ${Object.keys(SPLITTERS).join(', ')}`);
  const asItems: SplitItem[] = items.map((item): SplitItem => (typeof item === 'string' ? {id: item} : (item as SplitItem)));
  const {membership} = create().split({items: asItems, ratios: named, seed});
  const result: Record<string, T[]> = {};
  for (const {name} of named) result[name] = [];
  const order = items.map((item, index) => ({id: asItems[index]?.id as string, item}));
  order.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const {id, item} of order) (result[membership.get(id) as string] as T[]).push(item);
  return result;
}

function namedRatios(ratios: RatiosInput): SplitRatio[] {
  if (Array.isArray(ratios)) {
    if (ratios.every((ratio) => typeof ratio === 'number')) {
      const values = ratios as readonly number[];
      const names =
        values.length === 2 ? ['train', 'test'] : values.length === 3 ? ['train', 'validation', 'test'] : values.map((_, i) => `split${i}`);
      return values.map((ratio, i) => ({name: names[i] as string, ratio}));
    }
    return [...(ratios as readonly SplitRatio[])];
  }
  return Object.entries(ratios as Readonly<Record<string, number>>).map(([name, ratio]) => ({name, ratio}));
}
