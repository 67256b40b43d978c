import {createHash} from 'node:crypto';
import {rm} from 'node:fs/promises';
import {dirname} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {
  type Checksum,
  CodexError,
  ExitCode,
  Hasher,
  ManifestStore,
  type RegisteredBackend,
  RunDirectory,
  type SplitRatio,
  Splitter,
  formatChecksum,
  prepareRunsDir,
  writeFileAtomic,
} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {
  DATA_MANIFEST_KIND,
  DATA_MANIFEST_VERSION,
  type DataManifest,
  type DataManifestArtifact,
  type DataManifestItem,
  type DataManifestSplit,
} from './data-manifest.js';
import {DataManifestReader} from './data-manifest-reader.js';
import {datasetIdOf} from './dataset-id.js';
import {compareIds} from './dataset-item.js';
import {DatasetReader, type DatasetSpec} from './dataset-reader.js';
import {FileChecksums} from './file-checksums.js';
import {manifestIntegrity} from './manifest-integrity.js';
import {StatCache} from './stat-cache.js';

type BackendRef = Pick<RegisteredBackend, 'name' | 'plugin' | 'version'>;

export interface PrepareDataRequest {
  readonly dataset: DatasetSpec;
  readonly ratios: readonly SplitRatio[];
  readonly seed: number;
  readonly runsDir: string;
  readonly cacheDir: string;
  /** Trust the stat cache (false: re-hash every file, then refresh the cache). */
  readonly useCache: boolean;
  readonly threads?: number;
  /** Up to this many items are listed inside the manifest; more go to the companion items.jsonl. */
  readonly inlineItems: number;
  /** Return an existing run with the same dataset, parameters and membership instead of writing a new one. */
  readonly reuse?: boolean;
  /** The hasher backend bound to `Hasher`, so that worker threads can load it too. */
  readonly hasherBackend: Pick<RegisteredBackend<'hasher'>, 'contract' | 'name' | 'plugin' | 'spec'>;
  readonly splitterBackend: BackendRef;
  /** Versions of the tools involved (codex, node, plugins), recorded as given. */
  readonly tools: Readonly<Record<string, string>>;
  /** Config snapshot recorded in the manifest. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PrepareDataResult {
  readonly runId: string;
  /** Path of the manifest file in the run directory. */
  readonly manifest: string;
  readonly runDir: string;
  readonly datasetId: string;
  readonly itemCount: number;
  readonly bytes: number;
  /** Items per split, in the requested split order. */
  readonly counts: Readonly<Record<string, number>>;
  readonly splits: readonly DataManifestSplit[];
  /** Items whose checksum came from the stat cache. */
  readonly cachedItems: number;
  /** True when an identical earlier run was returned instead of a new one. */
  readonly cached: boolean;
  readonly data: DataManifest;
}

/** Manifest file name inside a run directory, whatever the manifest store. */
const MANIFEST_FILE = 'manifest.json';

/**
 * `prepare-data`: reads a dataset, checksums every item, splits it with the bound splitter and records the
 * result as a run — per-split id lists, a checksum list and the manifest, written atomically, manifest last.
 * A run directory without manifest.json is therefore an unfinished run; a failed run removes its directory.
 */
@injectable()
export class PrepareDataService {
  constructor(
    @inject(Hasher) private readonly hasher: Hasher,
    @inject(Splitter) private readonly splitter: Splitter,
    @inject(ManifestStore) private readonly store: ManifestStore,
  ) {}

  async prepare(request: PrepareDataRequest): Promise<PrepareDataResult> {
    // An unusable runs directory is refused before the dataset is read.
    await prepareRunsDir(request.runsDir, 'runs.dir', {create: false});
    const files = new FileChecksums(this.hasher, request.hasherBackend);
    const cache = await StatCache.open(request.cacheDir, this.hasher.algorithm);
    const dataset = await new DatasetReader(this.hasher, files).read(request.dataset, {
      cache,
      refresh: !request.useCache,
      threads: request.threads,
      onProgress: request.onProgress,
    });
    if (dataset.items.length === 0) {
      throw new CodexError('E_DATASET', `${dataset.source.path} holds no items`, {
        hint: 'point --input at a directory with files or a non-empty .jsonl / .txt file',
        exitCode: ExitCode.input,
      });
    }
    const assignment = this.splitter.split({
      items: dataset.items.map(({id, label, group}) => ({
        id,
        ...(label === undefined ? {} : {label}),
        ...(group === undefined ? {} : {group}),
      })),
      ratios: request.ratios,
      seed: request.seed,
    });
    const items: DataManifestItem[] = dataset.items.map((item) => {
      const split = assignment.membership.get(item.id);
      if (split === undefined) {
        throw new CodexError('E_SPLIT', `splitter ${this.splitter.name} left item ${JSON.stringify(item.id)} unassigned`, {
          hint: 'the splitter plugin is broken; report it to its author',
          exitCode: ExitCode.plugin,
        });
      }
      return {
        id: item.id,
        split,
        checksum: item.checksum,
        bytes: item.bytes,
        ...(item.label === undefined ? {} : {label: item.label}),
        ...(item.group === undefined ? {} : {group: item.group}),
      };
    });
    const datasetId = datasetIdOf(items, this.hasher);

    const previous = request.reuse ? await this.identicalRun(request, dataset.source, items, datasetId, assignment.params) : undefined;
    if (previous) return {...summaryOf(previous.manifest, previous.path, dataset.cachedItems), cached: true};

    const run = await RunDirectory.create(request.runsDir, {discardIfUnfinished: true});
    try {
      const manifest = await this.writeRun(run, request, dataset.source, items, datasetId, assignment.params);
      return {...summaryOf(manifest, run.file(MANIFEST_FILE), dataset.cachedItems), cached: false};
    } catch (error) {
      // Nothing of a failed run is worth keeping, and a directory without a manifest would only confuse.
      await rm(run.path, {recursive: true, force: true});
      throw error;
    } finally {
      await run.release();
    }
  }

  /**
   * The newest earlier run that would be byte-for-byte what this one writes apart from its id and time:
   * same dataset id, source, hasher, splitter and parameters, seed, ratios, and item-by-item membership
   * (labels included, which the dataset id does not cover). Its manifest must still open and verify.
   */
  private async identicalRun(
    request: PrepareDataRequest,
    source: DataManifest['dataset'],
    items: readonly DataManifestItem[],
    datasetId: Checksum,
    splitterParams: Readonly<Record<string, unknown>>,
  ): Promise<DataManifestReader | undefined> {
    const candidates = await this.store.list({kind: DATA_MANIFEST_KIND, datasetId, newestFirst: true});
    const wanted = {
      source,
      hasher: request.hasherBackend.name,
      splitter: {name: request.splitterBackend.name, params: splitterParams},
      seed: request.seed,
      ratios: request.ratios.map(({name, ratio}) => [name, ratio]),
    };
    for (const candidate of candidates) {
      const reader = await DataManifestReader.open(candidate.runId, {runsDir: request.runsDir}).catch(() => undefined);
      if (!reader) continue;
      const {manifest} = reader;
      const found = {
        source: manifest.dataset,
        hasher: manifest.hasher.name,
        splitter: {name: manifest.splitter.name, params: manifest.splitter.params},
        seed: manifest.seed,
        ratios: manifest.splits.map(({name, ratio}) => [name, ratio]),
      };
      if (!isDeepStrictEqual(found, wanted)) continue;
      const byId = (a: DataManifestItem, b: DataManifestItem) => compareIds(a.id, b.id);
      if (isDeepStrictEqual([...(await reader.items())].sort(byId), [...items].sort(byId))) return reader;
    }
    return undefined;
  }

  private async writeRun(
    run: RunDirectory,
    request: PrepareDataRequest,
    source: DataManifest['dataset'],
    items: readonly DataManifestItem[],
    datasetId: Checksum,
    splitterParams: Readonly<Record<string, unknown>>,
  ): Promise<DataManifest> {
    const artifacts: DataManifestArtifact[] = [];
    const writeArtifact = async (path: string, text: string): Promise<DataManifestArtifact> => {
      const bytes = Buffer.from(text, 'utf8');
      await writeFileAtomic(run.file(path), bytes);
      const state = this.hasher.create();
      state.update(bytes);
      const artifact = {path, checksum: formatChecksum(this.hasher.algorithm, state.digest()), bytes: bytes.length};
      artifacts.push(artifact);
      return artifact;
    };

    const splits: DataManifestSplit[] = [];
    for (const {name, ratio} of request.ratios) {
      const members = items.filter((item) => item.split === name);
      const file = `splits/${name}.txt`;
      const artifact = await writeArtifact(file, members.map((item) => `${item.id}\n`).join(''));
      const labels = countLabels(members);
      splits.push({
        name,
        ratio,
        items: members.length,
        bytes: members.reduce((sum, item) => sum + item.bytes, 0),
        file,
        checksum: artifact.checksum,
        ...(labels ? {labels} : {}),
      });
    }
    // b3sum/sha256sum layout: `<hex>  <id>`, so `cd <root> && b3sum -c checksums.txt` works for blake3 files.
    await writeArtifact(
      'checksums.txt',
      items.map((item) => `${item.checksum.slice(item.checksum.indexOf(':') + 1)}  ${item.id}\n`).join(''),
    );

    let membership: DataManifest['membership'];
    if (items.length > request.inlineItems) {
      const text = items.map((item) => `${JSON.stringify(item)}\n`).join('');
      await writeArtifact('items.jsonl', text);
      // sha256, not the configured hasher, so readers can check it without loading a plugin.
      membership = {
        path: 'items.jsonl',
        checksum: `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`,
        count: items.length,
      };
    }

    const fileBacked = source.format === 'directory' || source.format === 'brown';
    const draft: Omit<DataManifest, 'integrity'> = {
      schemaVersion: DATA_MANIFEST_VERSION,
      kind: DATA_MANIFEST_KIND,
      runId: run.runId,
      parents: [],
      createdAt: new Date().toISOString(),
      datasetId,
      ...(fileBacked ? {root: source.path} : {}),
      seed: request.seed,
      splitter: {
        name: request.splitterBackend.name,
        plugin: request.splitterBackend.plugin,
        version: request.splitterBackend.version,
        params: splitterParams,
      },
      hasher: {name: request.hasherBackend.name, algorithm: this.hasher.algorithm},
      itemCount: items.length,
      bytes: items.reduce((sum, item) => sum + item.bytes, 0),
      dataset: source,
      splits,
      tools: request.tools,
      config: request.config,
      artifacts: [...artifacts].sort((a, b) => compareIds(a.path, b.path)),
      ...(membership ? {membership} : {items}),
    };
    const manifest: DataManifest = {...draft, integrity: manifestIntegrity(draft)};
    await this.store.put(manifest);
    // Other commands read a run by the path of its manifest; the fs store already keeps it there.
    if (this.store.name !== 'fs') await writeFileAtomic(run.file(MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }
}

function summaryOf(manifest: DataManifest, manifestPath: string, cachedItems: number): Omit<PrepareDataResult, 'cached'> {
  return {
    runId: manifest.runId,
    manifest: manifestPath,
    runDir: dirname(manifestPath),
    datasetId: manifest.datasetId,
    itemCount: manifest.itemCount,
    bytes: manifest.bytes,
    counts: Object.fromEntries(manifest.splits.map((split) => [split.name, split.items])),
    splits: manifest.splits,
    cachedItems,
    data: manifest,
  };
}

function countLabels(items: readonly DataManifestItem[]): Record<string, number> | undefined {
  if (!items.some((item) => item.label !== undefined)) return undefined;
  const counts = new Map<string, number>();
  for (const item of items) if (item.label !== undefined) counts.set(item.label, (counts.get(item.label) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => compareIds(a, b)));
}
