/** DI token of the splitting contract (see `Hasher` for why `Symbol.for`). */
export const Splitter = Symbol.for('codex-ml.Splitter');

/** One dataset item as a splitter sees it: an id and optional stratification/grouping keys. */
export interface SplitItem {
  /** Unique within the dataset; for files, the POSIX path relative to the dataset root. */
  readonly id: string;
  /** Class used by stratifying splitters. */
  readonly label?: string;
  /** Items sharing a group must land in the same split (grouping splitters). */
  readonly group?: string;
}

/** A named share of the data. Ratios are in (0, 1] and sum to 1 (within 1e-9). */
export interface SplitRatio {
  readonly name: string;
  readonly ratio: number;
}

export interface SplitRequest {
  readonly items: readonly SplitItem[];
  /** Ordered: the order names the splits in outputs; it must not change membership. */
  readonly ratios: readonly SplitRatio[];
  /** Any integer; the only source of randomness. */
  readonly seed: number;
  /** Backend-specific parameters (validated by the backend's config schema). */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Split name per item id, plus the parameters that reproduce it (recorded in the data manifest). */
export interface SplitAssignment {
  /** Every input id exactly once. */
  readonly membership: ReadonlyMap<string, string>;
  /** Effective parameters, e.g. `{tolerance: 0.01}`; written into manifests. */
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * Assigns every item of a dataset to one named split.
 *
 * Invariants (checked by `splitterConformance`):
 * - Deterministic: the same (items as a set, ratios, seed, params) give the same membership on every machine,
 *   whatever the order of `items`. Never `Math.random`; rank by a keyed hash of (seed, id) or a seeded RNG
 *   over a canonical (sorted) order.
 * - Complete and disjoint: every id appears exactly once in `membership`.
 * - Different seeds give different partitions (for non-trivial inputs).
 * - Invalid requests (ratios not summing to 1, negative or zero ratios, duplicate split names, duplicate ids,
 *   more non-empty splits than items, no items) throw a `CodexError` with code `E_SPLIT`.
 * - Each implementation documents its size rule (exact largest-remainder sizes, or a tolerance).
 */
export interface Splitter {
  readonly name: string;
  split(request: SplitRequest): SplitAssignment;
}
