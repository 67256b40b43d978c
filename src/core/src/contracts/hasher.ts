/**
 * DI token of the hashing contract. `Symbol.for` so that two installed copies of `@codex-ml/core`
 * (the host's and a plugin's own) still agree on it.
 */
export const Hasher = Symbol.for('codex-ml.Hasher');

/**
 * A hash algorithm: a factory of independent incremental digests.
 *
 * Why a factory and not a single stateful object: one service hashes many files at once, each needs its own
 * state, and the algorithm's set-up (loading WASM, a native addon) is paid once per process.
 *
 * Invariants (checked by `@codex-ml/core/testing` `hasherConformance`):
 * - `algorithm` is a stable lowercase name (`[a-z0-9][a-z0-9-]*`); it is the prefix of every checksum the
 *   hasher writes (`<algorithm>:<hex>`), so verification can pick the algorithm that wrote a checksum.
 * - Streaming equals one-shot: any split of the input into `update` calls gives the digest of the
 *   concatenation; `update` with an empty array changes nothing.
 * - `digest()` returns lowercase hex of `digestBytes` bytes and ends the state: later calls on it throw.
 * - States are independent: interleaving updates on two states gives each its own digest.
 * - Memory does not grow with input length (the caller streams; implementations must not buffer).
 */
export interface Hasher {
  readonly algorithm: string;
  /** Length of the digest in bytes. */
  readonly digestBytes: number;
  /** What computes the digests, e.g. `native (@napi-rs/blake-hash)` or `wasm (blake3-wasm)`; shown by `codex backends`. */
  readonly implementation?: string;
  /** Starts a new, independent digest. */
  create(): HashState;
}

/** One incremental digest. */
export interface HashState {
  /** Feeds bytes. The caller may reuse the buffer once the call returns. */
  update(bytes: Uint8Array): void;
  /** Finishes the digest and returns it as lowercase hex. The state is unusable afterwards. */
  digest(): string;
}
