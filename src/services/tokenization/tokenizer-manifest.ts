import {type Checksum, CodexError, ExitCode, isRunId, parseChecksum, type Artifact} from '@codex-ml/core';
import type {CorpusDrift} from './corpus-source.js';
import type {TokenizerTrainingConfig} from './tokenizer-settings.js';

export const TOKENIZER_MANIFEST_KIND = 'tokenizer';
export const TOKENIZER_MANIFEST_VERSION = 1;

/** A corpus file as recorded: its stable id (not where it happened to live) and checksum. */
export interface ManifestInputFile {
  readonly id: string;
  readonly datasetId: string;
  readonly checksum: Checksum;
  readonly bytes: number;
}

/**
 * The manifest of a tokenizer training run, also the tokenizer cache entry. Small fields first, lists last;
 * every checksum is `<algo>:<hex>`.
 */
// A type alias (not an interface) so that it is assignable to the store's open `Manifest` record.
export type TokenizerManifest = {
  readonly schemaVersion: number;
  readonly kind: typeof TOKENIZER_MANIFEST_KIND;
  readonly runId: string;
  /** Data run ids the corpus came from (none for plain files and folders). */
  readonly parents: readonly string[];
  readonly createdAt: string;
  readonly name?: string;
  readonly tags?: readonly string[];
  /** Digest of (dataset ids, file checksums, config digest): what the cache is keyed by. */
  readonly cacheKey: Checksum;
  /** Digest of `config` (canonical JSON). */
  readonly configDigest: Checksum;
  /** Checksum of the main artifact, tokenizer.json. */
  readonly artifactChecksum: Checksum;
  readonly modelType: string;
  readonly vocabSize: number;
  /** Which backend trained it. */
  readonly backend: {readonly name: string; readonly plugin: string; readonly version: string};
  readonly config: TokenizerTrainingConfig;
  readonly corpus: {readonly files: number; readonly bytes: number; readonly lines: number};
  readonly datasetIds: readonly string[];
  readonly drift: readonly CorpusDrift[];
  readonly artifacts: readonly Artifact[];
  readonly files: readonly ManifestInputFile[];
  /** The seal over everything above (see manifest-seal.ts); absent in manifests of older versions. */
  readonly integrity?: Checksum;
};

/** Checks a manifest read back from disk; `where` names its file. Anything off is an integrity error. */
export function parseTokenizerManifest(value: unknown, where: string): TokenizerManifest {
  const fail = (what: string) =>
    new CodexError('E_MANIFEST', `${where}: ${what}`, {
      hint: 'the cache entry is corrupted; re-run with --force to rebuild it',
      exitCode: ExitCode.integrity,
    });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('not a JSON object');
  const manifest = value as Partial<TokenizerManifest>;
  if (manifest.kind !== TOKENIZER_MANIFEST_KIND) throw fail(`kind is ${JSON.stringify(manifest.kind)}, expected "tokenizer"`);
  if (manifest.schemaVersion !== TOKENIZER_MANIFEST_VERSION) {
    throw fail(
      `schemaVersion ${JSON.stringify(manifest.schemaVersion)} is not supported (this version reads ${TOKENIZER_MANIFEST_VERSION})`,
    );
  }
  if (!isRunId(manifest.runId)) throw fail(`runId ${JSON.stringify(manifest.runId)} is not a ULID`);
  if (!Array.isArray(manifest.parents) || !manifest.parents.every(isRunId)) throw fail('parents must be a list of run ids');
  for (const key of ['cacheKey', 'configDigest', 'artifactChecksum'] as const) parseChecksum(manifest[key], `${where}: ${key}`);
  if (!Array.isArray(manifest.artifacts) || manifest.artifacts.length === 0) throw fail('artifacts must be a non-empty list');
  for (const [index, artifact] of manifest.artifacts.entries()) {
    if (typeof artifact?.path !== 'string' || artifact.path.includes('..') || artifact.path.startsWith('/')) {
      throw fail(`artifacts[${index}].path must be a relative path inside the run`);
    }
    parseChecksum(artifact.checksum, `${where}: artifacts[${index}].checksum`);
    if (!Number.isInteger(artifact.bytes) || artifact.bytes < 0) throw fail(`artifacts[${index}].bytes must be a byte count`);
  }
  if (!Array.isArray(manifest.datasetIds) || !Array.isArray(manifest.files)) throw fail('datasetIds and files must be lists');
  return manifest as TokenizerManifest;
}
