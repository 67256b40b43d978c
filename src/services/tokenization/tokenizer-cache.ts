import {mkdir, readFile, stat} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {
  type Checksum,
  ExitCode,
  type Hasher,
  type Lock,
  acquireLock,
  errnoCode,
  fileError,
  formatChecksum,
  hashFile,
  isCodexError,
  parseChecksum,
  writeFileAtomic,
  canonicalJson,
  checksumOf,
} from '@codex-ml/core';
import type {CorpusSource} from './corpus-source.js';
import {type TokenizerManifest, parseTokenizerManifest} from './tokenizer-manifest.js';

/** What the cache knows about a key. */
export type CacheLookup =
  | {readonly status: 'miss'}
  | {readonly status: 'hit'; readonly manifest: TokenizerManifest; readonly artifact: string}
  | {readonly status: 'stale'; readonly reason: string};

/** What a cache key is computed from; every part is order-independent. */
export interface CacheKeyInputs {
  /** `TokenizerCache.corpusDigest` of the corpus (word-count partials carry it, so merged counts find the key). */
  readonly corpus: Checksum;
  readonly configDigest: Checksum;
  readonly backend: {readonly plugin: string; readonly version: string};
}

/**
 * Tokenizer cache: `<dir>/<algo>-<hex>.json` holds the manifest of the run that trained the tokenizer for
 * that key; the artifact itself lives in the run directory (`<runsDir>/<runId>/tokenizer.json`). An entry
 * is used only after its artifact is re-hashed and matches: a missing, edited or truncated artifact, or an
 * unreadable entry, is reported as stale — never used.
 */
export class TokenizerCache {
  constructor(
    readonly dir: string,
    private readonly runsDir: string,
    private readonly hasher: Hasher,
    private readonly hasherFor: (algorithm: string) => Promise<Hasher>,
  ) {}

  /**
   * The key: a digest of what the tokenizer is trained on, by content — the sorted checksums of the corpus
   * files and of the split's records — plus the config digest and the backend. Dataset ids are left out on
   * purpose: they change when any split of a dataset changes, and a tokenizer depends on its training split
   * only, so an edit to a test document must not retrain it.
   */
  key(inputs: CacheKeyInputs): Checksum {
    return checksumOf(this.hasher, canonicalJson({corpus: inputs.corpus, configDigest: inputs.configDigest, backend: inputs.backend}));
  }

  /** The corpus part of the key: the sorted checksums of its files and of its splits' records. */
  corpusDigest(corpus: Pick<CorpusSource, 'files' | 'records'>): Checksum {
    return checksumOf(
      this.hasher,
      canonicalJson({
        checksums: corpus.files.map((file) => file.checksum).sort(),
        records: corpus.records.map((set) => [...set.itemChecksums].sort()).sort((a, b) => compare(a.join(), b.join())),
      }),
    );
  }

  entryPath(key: Checksum): string {
    const {algorithm, hex} = parseChecksum(key, 'cache key');
    return join(this.dir, `${algorithm}-${hex}.json`);
  }

  /** Where a run's artifact lives. */
  artifactPath(runId: string, relativePath: string): string {
    return join(resolve(this.runsDir), runId, relativePath);
  }

  /** Serializes trainers of one key across processes; a second trainer gets a one-line E_LOCKED. */
  async lock(key: Checksum): Promise<Lock> {
    await mkdir(this.dir, {recursive: true}).catch((error: unknown) => {
      throw fileError(this.dir, error, 'create directory');
    });
    return acquireLock(`${this.entryPath(key)}.lock`, `tokenizer cache entry ${key.slice(0, 20)}…`);
  }

  async lookup(key: Checksum): Promise<CacheLookup> {
    const path = this.entryPath(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return {status: 'miss'};
      throw fileError(path, error);
    }
    let manifest: TokenizerManifest;
    try {
      manifest = parseTokenizerManifest(JSON.parse(text) as unknown, path);
    } catch (error) {
      return {status: 'stale', reason: `${path} is unreadable (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`};
    }
    if (manifest.cacheKey !== key) return {status: 'stale', reason: `${path} records another key (${manifest.cacheKey})`};
    const main = manifest.artifacts[0];
    if (!main) return {status: 'stale', reason: `${path} lists no artifact`};
    const artifact = this.artifactPath(manifest.runId, main.path);
    const problem = await this.#verify(artifact, main.checksum, main.bytes);
    if (problem) return {status: 'stale', reason: problem};
    if (main.checksum !== manifest.artifactChecksum)
      return {status: 'stale', reason: `${path}: artifactChecksum disagrees with artifacts[0]`};
    return {status: 'hit', manifest, artifact};
  }

  /** Records a run as the entry of its key (atomic: readers see the old entry or the new one). */
  async record(manifest: TokenizerManifest): Promise<string> {
    const path = this.entryPath(manifest.cacheKey);
    await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
    return path;
  }

  async #verify(path: string, expected: Checksum, bytes: number): Promise<string | undefined> {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return `its artifact ${path} is missing`;
    if (info.size !== bytes) return `its artifact ${path} has ${info.size} bytes, the manifest says ${bytes}`;
    const {algorithm} = parseChecksum(expected, `${path} checksum`);
    let actual: Checksum;
    try {
      actual = formatChecksum(algorithm, await hashFile(await this.hasherFor(algorithm), path));
    } catch (error) {
      if (isCodexError(error) && error.exitCode === ExitCode.config) throw error;
      return `its artifact ${path} cannot be read`;
    }
    return actual === expected ? undefined : `its artifact ${path} changed: expected ${expected}, found ${actual}`;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
