import type {SplitRatio} from '@codex-ml/core';
import {splitProblem} from './split-problem.js';

/** Turns per-item canonical split indices into the contract's id → split name map; refuses duplicate ids. */
export function membershipOf(ids: readonly string[], splitIndex: Uint16Array, ratios: readonly SplitRatio[]): Map<string, string> {
  const names = ratios.map((ratio) => ratio.name);
  const membership = new Map<string, string>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    membership.set(id, names[splitIndex[i] as number] as string);
    if (membership.size !== i + 1) throw splitProblem(`item id ${JSON.stringify(id)} appears twice`, 'ids must be unique within a dataset');
  }
  return membership;
}
