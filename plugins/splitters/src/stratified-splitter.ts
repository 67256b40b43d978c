import type {SplitAssignment, SplitRequest, Splitter} from '@codex-ml/core';
import {canonicalRequest} from './canonical-request.js';
import {controlledRounding} from './controlled-rounding.js';
import {largestRemainderSizes} from './largest-remainder.js';
import {membershipOf} from './membership.js';
import {partitionByRank} from './ranked-partition.js';
import {RANK_RULE, ranksOf} from './split-rank.js';
import {splitProblem} from './split-problem.js';

/**
 * Exact-size split that preserves each label's proportions. Split sizes are the largest-remainder rounding of
 * `n × ratio` (as `seeded`); the items of each label are shared out so that every (label, split) count is the
 * floor or the ceiling of `label count × ratio` and the per-split totals are exactly those sizes (controlled
 * rounding). Inside a label, items ordered by their keyed rank of (seed, id) fill the splits in name order.
 * Every item needs a label.
 */
export class StratifiedSplitter implements Splitter {
  readonly name = 'stratified';

  static create(): StratifiedSplitter {
    return new StratifiedSplitter();
  }

  split(request: SplitRequest): SplitAssignment {
    const {items, ids, ratios, seed} = canonicalRequest(request);
    const byLabel = new Map<string, number[]>();
    for (let i = 0; i < items.length; i++) {
      const label = items[i]?.label;
      if (typeof label !== 'string' || label === '') {
        throw splitProblem(
          `stratified split needs a label on every item; ${JSON.stringify(ids[i])} has none`,
          'give labels (a label field or a label mapping file) or choose the seeded splitter',
        );
      }
      const members = byLabel.get(label);
      if (members) members.push(i);
      else byLabel.set(label, [i]);
    }
    const labels = [...byLabel.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const ratioValues = ratios.map((ratio) => ratio.ratio);
    const sizes = largestRemainderSizes(ids.length, ratioValues);
    const counts = labels.map((label) => (byLabel.get(label) as number[]).length);
    const table = controlledRounding(counts, ratioValues, sizes);
    const ranks = ranksOf(ids, seed);
    const splitIndex = new Uint16Array(ids.length);
    labels.forEach((label, l) => {
      partitionByRank(ranks, ids, table[l] as number[], splitIndex, byLabel.get(label));
    });
    return {
      membership: membershipOf(ids, splitIndex, ratios, ranks),
      params: {rank: RANK_RULE, sizes: 'largest-remainder', strata: 'controlled-rounding', labels: labels.length},
    };
  }
}
