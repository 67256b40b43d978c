/**
 * The first id (by the position of its second occurrence) that appears twice, or undefined.
 *
 * Equal ids have equal ranks, so only items whose rank is shared can be duplicates: sorting the ranks (a
 * native sort of doubles) finds the shared ones, and only those items are compared by id. That avoids a set of
 * every id, which would cost about as much as the split itself at millions of items.
 *
 * @param ranks each item's rank under any one key (as `ranksOf` gives)
 * @param sorted the same ranks sorted, when the caller has them already
 */
export function firstDuplicateId(
  ids: readonly string[],
  ranks: Float64Array,
  sorted: Float64Array = Float64Array.from(ranks).sort(),
): string | undefined {
  const shared = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) shared.add(sorted[i] as number);
  if (shared.size === 0) return undefined;
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    if (!shared.has(ranks[i] as number)) continue;
    const id = ids[i] as string;
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}
