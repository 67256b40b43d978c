import {readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {inject, injectable} from 'tsyringe';
import {
  Backends,
  type Checksum,
  canonicalJson,
  type Hasher,
  type Manifest,
  ManifestStore,
  ParallelFileHasher,
  errnoCode,
  parseChecksum,
  type Artifact,
} from '@codex-ml/core';
import {type SealStatus, sealStatus} from './manifest-seal.js';
import {artifactsOf, runDirectoryOf} from './run-artifacts.js';
import {RUN_MANIFEST_FILE} from './run-manifest-recorder.js';
import {RunCatalog} from './run-catalog.js';

/** `ok`; `modified` (content differs); `missing` (no file); `unreadable` (not a regular file, permissions). */
export type ArtifactStatus = 'ok' | 'modified' | 'missing' | 'unreadable';

export interface ArtifactCheck extends Artifact {
  readonly status: ArtifactStatus;
  /** What was found instead, when not ok: the actual checksum or size, or the reason. */
  readonly found?: string;
}

export interface RunCheck {
  readonly runId: string;
  /** Undefined when the manifest of an ancestor is missing from the store. */
  readonly kind: string | undefined;
  /** False when a parent named in a manifest has no manifest: the lineage cannot be vouched for. */
  readonly manifestFound: boolean;
  /**
   * The manifest's seal: `ok`; `unsealed` (no seal: written by an older version, or stripped); `modified` (edited
   * since it was written, or the run directory's copy differs from the store's — `sealProblem` says which).
   */
  readonly seal?: SealStatus;
  readonly sealProblem?: string;
  readonly artifacts: readonly ArtifactCheck[];
}

export interface VerifyReport {
  readonly runId: string;
  /** The run first, then its ancestors, oldest last. */
  readonly runs: readonly RunCheck[];
  readonly artifacts: number;
  readonly bytes: number;
  readonly failures: number;
  readonly ok: boolean;
}

export interface VerifyOptions {
  readonly runsDir: string;
  readonly threads?: number;
  /** Called as artifacts are hashed with (bytes done, bytes the manifests record in all). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Re-checks every artifact checksum of a run and of all its ancestors. Each checksum is verified with the
 * algorithm that wrote it (its `<algorithm>:` prefix names the hasher backend, opened through `Backends`),
 * so runs written with different hashers verify side by side.
 */
@injectable()
export class RunVerifier {
  constructor(
    @inject(ManifestStore) private readonly store: ManifestStore,
    @inject(RunCatalog) private readonly catalog: RunCatalog,
    @inject(Backends) private readonly backends: Backends,
  ) {}

  async verify(runId: string, options: VerifyOptions): Promise<VerifyReport> {
    const root = await this.catalog.manifest(runId);

    const runs: RunCheck[] = [];
    const seen = new Set<string>([runId]);
    const queue: string[] = [runId];
    const manifests = new Map<string, Manifest | undefined>();
    // Breadth-first over parents: the run, then its parents, then theirs; all read before hashing, so progress
    // knows how many bytes there are to check.
    for (let index = 0; index < queue.length; index++) {
      const id = queue[index] as string;
      const manifest = id === runId ? root : await this.store.get(id);
      manifests.set(id, manifest);
      for (const parent of [...(manifest?.parents ?? [])].sort()) {
        if (!seen.has(parent)) {
          seen.add(parent);
          queue.push(parent);
        }
      }
    }
    const total = [...manifests.values()]
      .flatMap((manifest) => (manifest ? artifactsOf(manifest) : []))
      .reduce((sum, a) => sum + a.bytes, 0);
    let hashed = 0;
    for (const [id, manifest] of manifests) {
      if (manifest === undefined) {
        runs.push({runId: id, kind: undefined, manifestFound: false, artifacts: []});
        continue;
      }
      const directory = runDirectoryOf(options.runsDir, id);
      const artifacts: ArtifactCheck[] = [];
      for (const artifact of artifactsOf(manifest)) {
        const {algorithm, hex} = parseChecksum(artifact.checksum, `manifest of run ${id}: ${artifact.path}`);
        const hasher = await this.backends.open('hasher', algorithm, `checksum of ${artifact.path} in run ${id}`);
        const progress = (done: number) => options.onProgress?.(hashed + Math.min(done, artifact.bytes), total);
        artifacts.push(await checkArtifact(join(directory, artifact.path), artifact, algorithm, hex, hasher, options.threads, progress));
        hashed += artifact.bytes;
        options.onProgress?.(hashed, total);
      }
      runs.push({runId: id, kind: manifest.kind, manifestFound: true, ...(await checkSeal(manifest, directory)), artifacts});
    }
    const all = runs.flatMap((run) => run.artifacts);
    const failures =
      all.filter((artifact) => artifact.status !== 'ok').length +
      runs.filter((run) => !run.manifestFound || (run.seal !== undefined && run.seal !== 'ok')).length;
    return {
      runId,
      runs,
      artifacts: all.length,
      bytes: all.reduce((sum, artifact) => sum + artifact.bytes, 0),
      failures,
      ok: failures === 0,
    };
  }
}

/**
 * The seal of the store's copy, and of the run directory's own manifest.json (the record of truth, which gc and
 * commands read): both must be intact and say the same.
 */
async function checkSeal(manifest: Manifest, directory: string): Promise<{seal: SealStatus; sealProblem?: string}> {
  const status = sealStatus(manifest);
  if (status === 'modified') return {seal: status, sealProblem: 'the manifest was modified after it was written (its seal does not match)'};
  if (status === 'unsealed') return {seal: status, sealProblem: 'the manifest carries no seal (written by an older version or stripped)'};
  const path = join(directory, RUN_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return {seal: 'ok'};
    return {seal: 'modified', sealProblem: `${path} cannot be read (${errnoCode(error) ?? String(error)})`};
  }
  let own: unknown;
  try {
    own = JSON.parse(text);
  } catch {
    return {seal: 'modified', sealProblem: `${path} is not valid JSON`};
  }
  if (typeof own !== 'object' || own === null || sealStatus(own as Record<string, unknown>) !== 'ok') {
    return {seal: 'modified', sealProblem: `${path} was modified after it was written (its seal does not match)`};
  }
  if (canonicalJson(own) !== canonicalJson(manifest)) {
    return {seal: 'modified', sealProblem: `${path} differs from the manifest store's copy`};
  }
  return {seal: 'ok'};
}

async function checkArtifact(
  path: string,
  artifact: Artifact,
  algorithm: string,
  expectedHex: string,
  hasher: Hasher,
  threads: number | undefined,
  onProgress: (bytes: number) => void,
): Promise<ArtifactCheck> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return {...artifact, status: 'unreadable', found: 'not a regular file'};
    size = info.size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return {...artifact, status: 'missing', found: 'no such file'};
    return {...artifact, status: 'unreadable', found: errnoCode(error) ?? String(error)};
  }
  // A size change alone proves modification; skip hashing a file that cannot match.
  if (size !== artifact.bytes) return {...artifact, status: 'modified', found: `${size} bytes, expected ${artifact.bytes}`};
  try {
    const [digest] = await new ParallelFileHasher(hasher).hashFiles([{path, size}], {threads, onProgress});
    const actual: Checksum = `${algorithm}:${digest?.hex ?? ''}`;
    return digest?.hex === expectedHex ? {...artifact, status: 'ok'} : {...artifact, status: 'modified', found: actual};
  } catch (error) {
    return {...artifact, status: 'unreadable', found: error instanceof Error ? error.message : String(error)};
  }
}
