import type {SplitAssignment, SplitRequest, Splitter} from '@codex-ml/core';
import {canonicalRequest} from './canonical-request.js';
import {largestRemainderSizes} from './largest-remainder.js';
import {membershipOf} from './membership.js';
import {partitionByRank} from './ranked-partition.js';
import {RANK_RULE, ranksOf} from './split-rank.js';

/**
 * Exact-size random split. Sizes are the largest-remainder rounding of `n × ratio` (ratios taken in name
 * order, ties to the earlier name); items ordered by their keyed rank of (seed, id) fill the splits in name
 * order. Membership depends only on the set of ids, the ratios and the seed.
 */
export class SeededSplitter implements Splitter {
  readonly name = 'seeded';

  static create(): SeededSplitter {
    return new SeededSplitter();
  }

  split(request: SplitRequest): SplitAssignment {
    const {ids, ratios, seed} = canonicalRequest(request);
    const sizes = largestRemainderSizes(
      ids.length,
      ratios.map((ratio) => ratio.ratio),
    );
    const splitIndex = new Uint16Array(ids.length);
    const ranks = ranksOf(ids, seed);
    const sorted = partitionByRank(ranks, ids, sizes, splitIndex);
    return {membership: membershipOf(ids, splitIndex, ratios, ranks, sorted), params: {rank: RANK_RULE, sizes: 'largest-remainder'}};
  }
}
