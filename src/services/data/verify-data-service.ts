import {access, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {Backends, type Checksum, CodexError, ExitCode, type Hasher, checksumOf, errnoCode, fileError} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {type DataManifestReader, invalidUtf8PolicyOf} from './data-manifest-reader.js';
import {datasetIdOf} from './dataset-id.js';
import {compareIds} from './dataset-item.js';
import {type DatasetLocation, brownCorpus} from './dataset-location.js';
import {DatasetReader, type DatasetSpec} from './dataset-reader.js';
import {FileChecksums} from './file-checksums.js';
import {StatCache} from './stat-cache.js';

export interface VerifyDataRequest {
  readonly data: DataManifestReader;
  /** Where the dataset is now, when it moved; default: the path the manifest records. */
  readonly input?: string;
  readonly cacheDir: string;
  readonly useCache: boolean;
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface VerifyDataResult {
  readonly runId: string;
  readonly manifest: string;
  readonly ok: boolean;
  readonly datasetId: string;
  readonly currentDatasetId: string;
  /** Items checked (recorded plus added). */
  readonly checked: number;
  /** Checksums served by the stat cache. */
  readonly cachedItems: number;
  /** Item ids whose bytes changed, were deleted, or are new; sorted. */
  readonly changed: readonly string[];
  readonly missing: readonly string[];
  readonly added: readonly string[];
  /** Label/group mapping files and run artifacts (split lists, checksums) that changed or are gone. */
  readonly mappingsChanged: readonly string[];
  readonly artifactsChanged: readonly string[];
}

/**
 * `data:verify`: re-reads a data run's dataset with the hasher that wrote it (whatever config selects now,
 * opened through `Backends`) and reports every drift — items changed, missing or added, label/group files and
 * run artifacts changed. Unchanged files are answered by the stat cache, so re-verifying costs a stat per file.
 */
@injectable()
export class VerifyDataService {
  constructor(@inject(Backends) private readonly backends: Backends) {}

  async verify(request: VerifyDataRequest): Promise<VerifyDataResult> {
    const {manifest} = request.data;
    const hasher = await this.backends.open('hasher', manifest.hasher.name, `run ${manifest.runId} hasher`);
    if (manifest.hasher.algorithm !== hasher.algorithm) {
      throw new CodexError(
        'E_CONFIG',
        `run ${manifest.runId} was checksummed with ${manifest.hasher.algorithm}, but hasher "${manifest.hasher.name}" writes ${hasher.algorithm}`,
        {hint: `install the plugin whose ${manifest.hasher.name} hasher wrote the run`, exitCode: ExitCode.config},
      );
    }
    const recorded = await request.data.items();
    const files = new FileChecksums(hasher);
    const cache = await StatCache.open(request.cacheDir, hasher.algorithm);
    const checksumOptions = {cache, refresh: !request.useCache, threads: request.threads, onProgress: request.onProgress};
    const location = await this.location(request);
    const source = manifest.dataset;

    let current: ReadonlyArray<{id: string; checksum: string}>;
    let cachedItems = 0;
    const sourceUnchanged =
      (source.format === 'jsonl' || source.format === 'txt') &&
      source.checksum !== undefined &&
      (await files.checksum([location.path], checksumOptions))[0]?.checksum === source.checksum;
    if (sourceUnchanged) {
      // The records are the file's lines, so an identical file means identical records.
      current = recorded;
      cachedItems = recorded.length;
    } else {
      const spec: DatasetSpec = {
        location,
        jsonl: {
          idField: String(source.options['idField'] ?? 'id'),
          textField: String(source.options['textField'] ?? 'text'),
          labelField: null,
          groupField: null,
        },
        brown: {stripTags: source.options['stripTags'] === true},
        labels: null,
        groups: null,
        onInvalidUtf8: invalidUtf8PolicyOf(source.options),
      };
      const dataset = await new DatasetReader(hasher, files).read(spec, checksumOptions, false);
      current = dataset.items;
      cachedItems = dataset.cachedItems;
    }

    const before = new Map(recorded.map((item) => [item.id, item.checksum]));
    const now = new Map(current.map((item) => [item.id, item.checksum]));
    const changed: string[] = [];
    const missing: string[] = [];
    const added: string[] = [];
    for (const [id, checksum] of before) {
      const actual = now.get(id);
      if (actual === undefined) missing.push(id);
      else if (actual !== checksum) changed.push(id);
    }
    for (const id of now.keys()) if (!before.has(id)) added.push(id);

    const mappingsChanged: string[] = [];
    for (const mapping of [source.labels, source.groups]) {
      if (mapping && (await checksumOfFile(hasher, mapping.path)) !== mapping.checksum) mappingsChanged.push(mapping.path);
    }
    const artifactsChanged: string[] = [];
    for (const artifact of manifest.artifacts) {
      if ((await checksumOfFile(hasher, join(request.data.runDir, artifact.path))) !== artifact.checksum)
        artifactsChanged.push(artifact.path);
    }

    const currentDatasetId = datasetIdOf(current, hasher);
    return {
      runId: manifest.runId,
      manifest: request.data.path,
      ok: changed.length + missing.length + added.length + mappingsChanged.length + artifactsChanged.length === 0,
      datasetId: manifest.datasetId,
      currentDatasetId,
      checked: before.size + added.length,
      cachedItems,
      changed: changed.sort(compareIds),
      missing: missing.sort(compareIds),
      added: added.sort(compareIds),
      mappingsChanged,
      artifactsChanged,
    };
  }

  private async location(request: VerifyDataRequest): Promise<DatasetLocation> {
    const source = request.data.manifest.dataset;
    if (request.input !== undefined) return {format: source.format, path: request.input};
    // The embedded corpus moves with the installation; follow it when the recorded path is gone.
    if (source.format === 'brown' && !(await exists(source.path))) return brownCorpus();
    return {format: source.format, path: source.path};
  }
}

/** Checksum of a small file; undefined when the file is gone. */
async function checksumOfFile(hasher: Hasher, path: string): Promise<Checksum | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw fileError(path, error);
  }
  return checksumOf(hasher, bytes);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
