import {ExitCode, type SplitItem, type SplitRatio, type SplitRequest} from '@codex-ml/core';
import {splitProblem} from './split-problem.js';

/** How far ratios may sum from 1 (floating-point slack of decimal inputs such as 0.7 + 0.2 + 0.1). */
const RATIO_SUM_SLACK = 1e-9;

/** Split names end up in file names (`splits/<name>.txt`), so they are kept to a safe alphabet. */
const SPLIT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A validated request with its ratios in canonical order (by name, UTF-16 code units). Every splitter works on
 * the canonical order so that listing the ratios differently never changes membership.
 */
export interface CanonicalRequest {
  readonly items: readonly SplitItem[];
  readonly ratios: readonly SplitRatio[];
  readonly ids: readonly string[];
  readonly seed: number;
}

/** Validates what every splitter requires; throws `E_SPLIT` naming the first problem. */
export function canonicalRequest(request: SplitRequest): CanonicalRequest {
  const {items, ratios, seed} = request;
  if (!Number.isSafeInteger(seed)) {
    throw splitProblem(`seed ${String(seed)} is not an integer`, 'use a whole number such as 42', ExitCode.config);
  }
  if (!Array.isArray(ratios) || ratios.length === 0) {
    throw splitProblem('no split ratios given', 'give at least one ratio, e.g. --ratios 0.8,0.1,0.1', ExitCode.config);
  }
  const names = new Set<string>();
  let sum = 0;
  for (const {name, ratio} of ratios) {
    if (typeof name !== 'string' || !SPLIT_NAME.test(name)) {
      throw splitProblem(`split name ${JSON.stringify(name)} is not allowed`, 'use letters, digits, ".", "_" and "-"', ExitCode.config);
    }
    if (names.has(name)) throw splitProblem(`split name "${name}" appears twice`, 'give each split its own name', ExitCode.config);
    names.add(name);
    if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio <= 0 || ratio > 1) {
      throw splitProblem(
        `ratio of split "${name}" is ${String(ratio)}; ratios must be in (0, 1]`,
        'drop splits you do not want instead of giving them 0',
        ExitCode.config,
      );
    }
    sum += ratio;
  }
  if (Math.abs(sum - 1) > RATIO_SUM_SLACK) {
    throw splitProblem(
      `ratios ${ratios.map((r) => `${r.name}=${r.ratio}`).join(', ')} sum to ${Number(sum.toPrecision(12))}, not 1`,
      'adjust them so they sum to 1, e.g. --ratios 0.8,0.1,0.1',
      ExitCode.config,
    );
  }
  if (!Array.isArray(items) || items.length === 0) {
    throw splitProblem('the dataset has no items to split', 'check the input path and its filters');
  }
  // Duplicate ids are caught while the membership map is built (`membershipOf`): a separate set of a million
  // ids would double the cost of a split.
  const ids = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) {
    const id = (items[i] as SplitItem).id;
    if (typeof id !== 'string' || id === '') throw splitProblem(`item ${i} has no id`, 'every item needs a non-empty string id');
    ids[i] = id;
  }
  if (items.length < ratios.length) {
    throw splitProblem(
      `${ratios.length} splits requested for ${items.length} item${items.length === 1 ? '' : 's'}`,
      'use fewer splits or more data',
    );
  }
  const canonical = [...ratios].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {items, ratios: canonical, ids, seed};
}
