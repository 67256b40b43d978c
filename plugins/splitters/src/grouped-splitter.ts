import type {SplitAssignment, SplitRequest, Splitter} from '@codex-ml/core';
import {canonicalRequest} from './canonical-request.js';
import {largestRemainderSizes} from './largest-remainder.js';
import {membershipOf} from './membership.js';
import {RANK_RULE, compareRanked, rankKey, rankOf} from './split-rank.js';
import {splitProblem} from './split-problem.js';

/** Local search stops after this many sweeps even if moves still help (each sweep is O(groups × splits)). */
const MAX_SWEEPS = 16;

interface Group {
  readonly key: string;
  readonly rank: number;
  readonly members: number[];
  split: number;
}

/**
 * Split without leakage: all items of a group land in the same split. Items without a group form a group of
 * their own. Targets are the largest-remainder sizes of `n × ratio` (as `seeded`).
 *
 * 1. Groups, ordered by the keyed rank of (seed, group), go one by one to the split furthest below its target
 *    (ties: the earlier split by name). Each split then misses its target by less than the largest group.
 * 2. Single-group moves that lower Σ|size − target| are applied, sweeping in rank order, until none helps.
 * 3. A split with a positive target left empty takes the group whose move costs least.
 * Sizes are therefore as close to the targets as group sizes allow, though not always optimal (that problem
 * is NP-hard); `params.deviation` records Σ|size − target|.
 */
export class GroupedSplitter implements Splitter {
  readonly name = 'grouped';

  static create(): GroupedSplitter {
    return new GroupedSplitter();
  }

  split(request: SplitRequest): SplitAssignment {
    const {items, ids, ratios, seed} = canonicalRequest(request);
    const byGroup = new Map<string, number[]>();
    for (let i = 0; i < items.length; i++) {
      const group = items[i]?.group;
      // NUL cannot start a real group name here: ungrouped items get keys that never collide with named groups.
      const key = typeof group === 'string' && group !== '' ? `g\u0000${group}` : `i\u0000${ids[i]}`;
      const members = byGroup.get(key);
      if (members) members.push(i);
      else byGroup.set(key, [i]);
    }
    if (byGroup.size < ratios.length) {
      throw splitProblem(
        `${ratios.length} splits requested for ${byGroup.size} group${byGroup.size === 1 ? '' : 's'}`,
        'a group never spans splits: use fewer splits or more groups',
      );
    }
    const key = rankKey(seed);
    const groups: Group[] = [...byGroup].map(([groupKey, members]) => ({key: groupKey, rank: rankOf(groupKey, key), members, split: -1}));
    groups.sort((a, b) => compareRanked(a.rank, a.key, b.rank, b.key));

    const targets = largestRemainderSizes(
      ids.length,
      ratios.map((ratio) => ratio.ratio),
    );
    const sizes = targets.map(() => 0);
    const groupCounts = targets.map(() => 0);
    for (const group of groups) {
      let best = 0;
      for (let s = 1; s < targets.length; s++) {
        if ((targets[s] as number) - (sizes[s] as number) > (targets[best] as number) - (sizes[best] as number)) best = s;
      }
      place(group, best, sizes, groupCounts);
    }
    improve(groups, sizes, groupCounts, targets);
    fillEmptySplits(groups, sizes, groupCounts, targets);

    const splitIndex = new Uint16Array(ids.length);
    for (const group of groups) for (const member of group.members) splitIndex[member] = group.split;
    const deviation = sizes.reduce((sum, size, s) => sum + Math.abs(size - (targets[s] as number)), 0);
    return {
      membership: membershipOf(ids, splitIndex, ratios),
      params: {rank: RANK_RULE, sizes: 'grouped-greedy-local-search', groups: groups.length, deviation},
    };
  }
}

function place(group: Group, split: number, sizes: number[], groupCounts: number[]): void {
  if (group.split >= 0) {
    sizes[group.split] = (sizes[group.split] as number) - group.members.length;
    groupCounts[group.split] = (groupCounts[group.split] as number) - 1;
  }
  group.split = split;
  sizes[split] = (sizes[split] as number) + group.members.length;
  groupCounts[split] = (groupCounts[split] as number) + 1;
}

/** Change of Σ|size − target| when `weight` items move from split `from` to split `to`. */
function moveGain(from: number, to: number, weight: number, sizes: readonly number[], targets: readonly number[]): number {
  const dFrom = (sizes[from] as number) - (targets[from] as number);
  const dTo = (sizes[to] as number) - (targets[to] as number);
  return Math.abs(dFrom - weight) + Math.abs(dTo + weight) - Math.abs(dFrom) - Math.abs(dTo);
}

function improve(groups: readonly Group[], sizes: number[], groupCounts: number[], targets: readonly number[]): void {
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let moved = false;
    for (const group of groups) {
      const from = group.split;
      // Never empty a split that should hold items.
      if ((groupCounts[from] as number) === 1 && (targets[from] as number) > 0) continue;
      let best = -1;
      let bestGain = 0;
      for (let to = 0; to < targets.length; to++) {
        if (to === from) continue;
        const gain = moveGain(from, to, group.members.length, sizes, targets);
        if (gain < bestGain) {
          best = to;
          bestGain = gain;
        }
      }
      if (best >= 0) {
        place(group, best, sizes, groupCounts);
        moved = true;
      }
    }
    if (!moved) return;
  }
}

function fillEmptySplits(groups: readonly Group[], sizes: number[], groupCounts: number[], targets: readonly number[]): void {
  for (let to = 0; to < targets.length; to++) {
    if ((groupCounts[to] as number) > 0 || (targets[to] as number) === 0) continue;
    let best: Group | undefined;
    let bestGain = Number.POSITIVE_INFINITY;
    for (const group of groups) {
      if ((groupCounts[group.split] as number) < 2) continue;
      const gain = moveGain(group.split, to, group.members.length, sizes, targets);
      if (gain < bestGain) {
        best = group;
        bestGain = gain;
      }
    }
    // At least as many groups as splits (checked up front), so some split holds two or more.
    if (best) place(best, to, sizes, groupCounts);
  }
}
