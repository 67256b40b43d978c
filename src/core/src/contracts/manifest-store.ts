/** DI token of the manifest storage contract (see `Hasher` for why `Symbol.for`). */
export const ManifestStore = Symbol.for('codex-ml.ManifestStore');

/** Fields every manifest carries, whatever its kind. Kind-specific payload follows them. */
export interface ManifestHeader {
  /** Version of the manifest format for this kind; readers refuse versions they do not know. */
  readonly schemaVersion: number;
  /** What produced it: `data`, `tokenizer`, `token-cache`, `training`, … */
  readonly kind: string;
  /** ULID of the run that wrote it (26 Crockford base32 characters). */
  readonly runId: string;
  /** ULIDs of the runs whose outputs this run consumed. */
  readonly parents: readonly string[];
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  /** A person's name for the run (`--name`), absent when none was given. */
  readonly name?: string;
  /** Labels to find and compare runs by (`--tag`, repeatable), sorted; absent when none were given. */
  readonly tags?: readonly string[];
}

export type Manifest = ManifestHeader & Readonly<Record<string, unknown>>;

/** Filters for `list`; all given filters must match. */
export interface ManifestQuery {
  readonly kind?: string;
  /** Runs with this parent. */
  readonly parent?: string;
  /** Runs whose manifest records this dataset id (`datasetId` or `datasetIds`). */
  readonly datasetId?: string;
  /** Newest first when true (ULID order); oldest first otherwise. */
  readonly newestFirst?: boolean;
  readonly limit?: number;
}

export interface ManifestSummary {
  readonly runId: string;
  readonly kind: string;
  readonly createdAt: string;
  readonly parents: readonly string[];
  readonly datasetIds: readonly string[];
}

/**
 * Durable storage of run manifests, keyed by run id.
 *
 * Invariants (checked by `manifestStoreConformance`):
 * - `put` is atomic: a reader sees either no manifest or the whole manifest, never a partial one, even if
 *   the writing process is killed.
 * - `put` of an existing run id fails with `E_EXISTS` unless `{replace: true}`.
 * - Concurrent writers (threads or processes) lose nothing: N successful puts ⇒ N manifests listed.
 * - `get` of an unknown id resolves `undefined`; a stored manifest that fails to parse or whose
 *   header is invalid throws `E_MANIFEST` naming the run.
 * - `list` returns summaries ordered by run id (ULIDs sort by creation time).
 * - `get(put(m))` deep-equals `m`.
 */
export interface ManifestStore {
  readonly name: string;
  put(manifest: Manifest, options?: {readonly replace?: boolean}): Promise<void>;
  get(runId: string): Promise<Manifest | undefined>;
  list(query?: ManifestQuery): Promise<ManifestSummary[]>;
  /** Removes a run's manifest; resolves false when there was none. */
  delete(runId: string): Promise<boolean>;
  /** Releases handles (database connections). Idempotent. */
  close(): Promise<void>;
}
