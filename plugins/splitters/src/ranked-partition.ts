import {compareRanked} from './split-rank.js';

/**
 * Cuts items, ordered by (rank, id), into consecutive runs of the given sizes and writes each item's run
 * index (the canonical split index) into `out`.
 *
 * Sorting a Float64Array of ranks natively and then placing each item against the cut points is several
 * times faster than sorting the items with a comparator, which matters at millions of items. Equal ranks at a
 * cut are resolved by id, so the result equals a full sort by (rank, id).
 *
 * @param members indices (into `ranks`/`ids`) of the items to partition; all items when undefined
 */
export function partitionByRank(
  ranks: Float64Array,
  ids: readonly string[],
  sizes: readonly number[],
  out: Uint16Array,
  members?: readonly number[],
): void {
  const count = members ? members.length : ranks.length;
  const at = (i: number): number => (members ? (members[i] as number) : i);
  const sorted = new Float64Array(count);
  for (let i = 0; i < count; i++) sorted[i] = ranks[at(i)] as number;
  sorted.sort();

  // The first item of each split after the first, as (rank, id); undefined when that split and all after it are empty.
  const cuts: Array<{rank: number; id: string} | undefined> = [];
  let position = 0;
  for (let split = 0; split < sizes.length - 1; split++) {
    position += sizes[split] as number;
    if (position >= count) {
      cuts.push(undefined);
      continue;
    }
    const rank = sorted[position] as number;
    const offset = position - lowerBound(sorted, rank);
    const tied: string[] = [];
    for (let i = 0; i < count; i++) if (ranks[at(i)] === rank) tied.push(ids[at(i)] as string);
    tied.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    cuts.push({rank, id: tied[offset] as string});
  }

  for (let i = 0; i < count; i++) {
    const index = at(i);
    const rank = ranks[index] as number;
    const id = ids[index] as string;
    let split = 0;
    for (const cut of cuts) {
      if (cut === undefined || compareRanked(rank, id, cut.rank, cut.id) < 0) break;
      split++;
    }
    out[index] = split;
  }
}

function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
