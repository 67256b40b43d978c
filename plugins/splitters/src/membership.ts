import type {SplitRatio} from '@codex-ml/core';
import {firstDuplicateId} from './duplicate-id.js';
import {SplitMembership} from './split-membership.js';
import {ranksOf} from './split-rank.js';
import {splitProblem} from './split-problem.js';

/**
 * Turns per-item canonical split indices into the contract's id → split name map; refuses duplicate ids.
 *
 * @param ranks the items' ranks when the splitter computed them (any seed); computed here otherwise
 * @param sortedRanks the same ranks sorted, when the splitter sorted them already
 */
export function membershipOf(
  ids: readonly string[],
  splitIndex: Uint16Array,
  ratios: readonly SplitRatio[],
  ranks: Float64Array = ranksOf(ids, 0),
  sortedRanks?: Float64Array,
): ReadonlyMap<string, string> {
  const duplicate = firstDuplicateId(ids, ranks, sortedRanks);
  if (duplicate !== undefined)
    throw splitProblem(`item id ${JSON.stringify(duplicate)} appears twice`, 'ids must be unique within a dataset');
  return new SplitMembership(
    ids,
    splitIndex,
    ratios.map((ratio) => ratio.name),
  );
}
