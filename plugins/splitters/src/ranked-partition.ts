/**
 * Cuts items, ordered by (rank, id), into consecutive runs of the given sizes and writes each item's run
 * index (the canonical split index) into `out`.
 *
 * Sorting a Float64Array of ranks natively and then placing each item against the cut points is several
 * times faster than sorting the items with a comparator, which matters at millions of items. Equal ranks at a
 * cut are resolved by id, so the result equals a full sort by (rank, id).
 *
 * @param members indices (into `ranks`/`ids`) of the items to partition; all items when undefined
 * @returns the partitioned items' ranks, sorted (callers reuse them to look for duplicate ids)
 */
export function partitionByRank(
  ranks: Float64Array,
  ids: readonly string[],
  sizes: readonly number[],
  out: Uint16Array,
  members?: readonly number[],
): Float64Array {
  const count = members ? members.length : ranks.length;
  let sorted: Float64Array;
  if (members) {
    sorted = new Float64Array(count);
    for (let i = 0; i < count; i++) sorted[i] = ranks[members[i] as number] as number;
  } else sorted = Float64Array.from(ranks);
  sorted.sort();

  // The first item of each later split as (rank, id): a split starts at the item whose (rank, id) is at least
  // its cut. `cutIds[c]` is undefined when no other item shares the cut's rank: then comparing ranks decides.
  const cutRanks: number[] = [];
  const cutIds: Array<string | undefined> = [];
  let position = 0;
  for (let split = 0; split < sizes.length - 1; split++) {
    position += sizes[split] as number;
    if (position >= count) break; // this split and all after it are empty
    const rank = sorted[position] as number;
    const first = lowerBound(sorted, rank);
    const shared = first < position || (position + 1 < count && sorted[position + 1] === rank);
    let id: string | undefined;
    if (shared) {
      const tied: string[] = [];
      for (let i = 0; i < count; i++) {
        const index = members ? (members[i] as number) : i;
        if (ranks[index] === rank) tied.push(ids[index] as string);
      }
      tied.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      id = tied[position - first] as string;
    }
    cutRanks.push(rank);
    cutIds.push(id);
  }

  const cuts = cutRanks.length;
  for (let i = 0; i < count; i++) {
    const index = members ? (members[i] as number) : i;
    const rank = ranks[index] as number;
    let split = 0;
    while (split < cuts) {
      const cutRank = cutRanks[split] as number;
      if (rank < cutRank) break;
      if (rank === cutRank) {
        const cutId = cutIds[split];
        // Without ties the only item of this rank is the cut item itself, which opens the split.
        if (cutId !== undefined && (ids[index] as string) < cutId) break;
      }
      split++;
    }
    out[index] = split;
  }
  return sorted;
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
