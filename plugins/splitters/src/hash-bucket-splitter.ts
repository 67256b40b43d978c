import type {SplitAssignment, SplitRequest, Splitter} from '@codex-ml/core';
import {canonicalRequest} from './canonical-request.js';
import {membershipOf} from './membership.js';
import {RANK_RULE, rankKey, rankOf} from './split-rank.js';

/** Buckets per unit ratio: the high 32 bits of the rank. */
const RESOLUTION = 2 ** 32;

/**
 * Each item's split is a function of (seed, id) alone: the high 32 bits of its keyed rank, read as a fraction
 * of 2^32, fall into the split whose cumulative ratio interval (names in order) contains it. Adding or removing
 * items never moves the others, so a split stays stable as the dataset grows (the TFDS property).
 *
 * Sizes are binomial: split i of n items holds `n·r_i ± 4·sqrt(n·r_i·(1−r_i))` items with probability above
 * 99.99%, so small datasets can deviate noticeably (and a tiny split can be empty). Use `seeded` for exact sizes.
 */
export class HashBucketSplitter implements Splitter {
  readonly name = 'hash-bucket';

  static create(): HashBucketSplitter {
    return new HashBucketSplitter();
  }

  split(request: SplitRequest): SplitAssignment {
    const {ids, ratios, seed} = canonicalRequest(request);
    // Integer thresholds computed once from the cumulative ratios; the last one is exactly 2^32.
    const thresholds: number[] = [];
    let cumulative = 0;
    for (let i = 0; i < ratios.length; i++) {
      cumulative += (ratios[i] as {ratio: number}).ratio;
      thresholds.push(i === ratios.length - 1 ? RESOLUTION : Math.min(RESOLUTION, Math.round(cumulative * RESOLUTION)));
    }
    const key = rankKey(seed);
    const splitIndex = new Uint16Array(ids.length);
    const ranks = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const rank = rankOf(ids[i] as string, key);
      ranks[i] = rank;
      const bucket = Math.floor(rank / 2 ** 21);
      let split = 0;
      while (bucket >= (thresholds[split] as number)) split++;
      splitIndex[i] = split;
    }
    return {
      membership: membershipOf(ids, splitIndex, ratios, ranks),
      params: {rank: RANK_RULE, buckets: RESOLUTION, sizes: 'binomial', thresholds},
    };
  }
}
