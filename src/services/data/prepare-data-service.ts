import type {RunLabels} from '../runs/run-labels.js';
import {createHash} from 'node:crypto';
import {rm} from 'node:fs/promises';
import {dirname, resolve} from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {
  type Checksum,
  CodexError,
  ExitCode,
  Hasher,
  ManifestStore,
  RunDirectory,
  type Shard,
  type SplitRatio,
  Splitter,
  backendOf,
  checksumOf,
  formatShard,
  prepareRunsDir,
  writeFileAtomic,
  type Artifact,
  utf8,
} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {
  DATA_MANIFEST_KIND,
  DATA_MANIFEST_VERSION,
  type DataManifest,
  type DataManifestItem,
  type DataManifestSplit,
} from './data-manifest.js';
import {DataManifestReader} from './data-manifest-reader.js';
import {datasetIdOf} from './dataset-id.js';
import {
  type DataPartialIdentity,
  type LoadedDataPartial,
  buildDataPartial,
  checkDataPartials,
  listingOf,
  writeDataPartial,
} from './data-partial.js';
import {type DatasetItem, compareIds} from './dataset-item.js';
import {DatasetReader, type DatasetSpec} from './dataset-reader.js';
import {FileChecksums} from './file-checksums.js';
import {manifestIntegrity} from './manifest-integrity.js';
import {StatCache} from './stat-cache.js';

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
  /** Versions of the host (codex, node); the plugins of the backends used are added. */
  readonly tools: Readonly<Record<string, string>>;
  /** Name and tags the run records (`--name`, `--tag`). */
  readonly labels?: RunLabels;
  /** Config snapshot recorded in the manifest. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What recording a run needs beyond the items: everything but how to read the dataset. */
type RecordRequest = Pick<PrepareDataRequest, 'ratios' | 'seed' | 'runsDir' | 'inlineItems' | 'reuse' | 'tools' | 'config' | 'labels'>;

/** `data:merge`: where and how to record; seed, ratios, input and config snapshot come from the partials. */
export type MergeDataRequest = Pick<PrepareDataRequest, 'runsDir' | 'reuse' | 'tools' | 'labels'>;

/** `prepare-data --shard i/n --out FILE`. */
export interface PrepareDataShardResult {
  /** Absolute path of the partial written. */
  readonly partial: string;
  /** Its content address. */
  readonly id: Checksum;
  /** Shared by every shard of the same prepare-data. */
  readonly job: Checksum;
  /** `i/n`. */
  readonly shard: string;
  /** Items of this shard, and their bytes. */
  readonly items: number;
  readonly bytes: number;
  /** Items of the whole dataset. */
  readonly datasetItems: number;
  readonly cachedItems: number;
}

/** What `prepare-data` returns (also under `--json`). */
export interface PrepareDataResult {
  readonly runId: string;
  /** Path of the manifest file in the run directory. */
  readonly manifest: string;
  readonly runDir: string;
  readonly datasetId: string;
  /** The splitter backend that split it. */
  readonly splitter: string;
  readonly seed: number;
  readonly itemCount: number;
  readonly bytes: number;
  /** Items per split, in the requested split order. */
  readonly counts: Readonly<Record<string, number>>;
  readonly splits: readonly DataManifestSplit[];
  /** Items whose checksum came from the stat cache. */
  readonly cachedItems: number;
  /** True when an identical earlier run was returned instead of a new one. */
  readonly cached: boolean;
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
    const dataset = await this.read(request);
    if (dataset.items.length === 0) {
      throw new CodexError('E_DATASET', `${dataset.source.path} holds no items`, {
        hint: 'point --input at a directory with files or a non-empty .jsonl / .txt file',
        exitCode: ExitCode.input,
      });
    }
    return await this.record(request, dataset.source, dataset.items, dataset.cachedItems);
  }

  /**
   * One shard of `prepare`: reads the whole listing, checksums only the items of `shard` and writes them as a
   * partial to `out` (atomically). `merge` of every shard's partial records the run `prepare` would have.
   */
  async prepareShard(request: PrepareDataRequest, shard: Shard, out: string): Promise<PrepareDataShardResult> {
    const dataset = await this.read(request, shard);
    const listing = dataset.listing ?? [];
    if (listing.length === 0) {
      throw new CodexError('E_DATASET', `${dataset.source.path} holds no items`, {
        hint: 'point --input at a directory with files or a non-empty .jsonl / .txt file',
        exitCode: ExitCode.input,
      });
    }
    const identity: DataPartialIdentity = {
      source: dataset.source,
      hasher: {name: this.#backend(this.hasher).name, algorithm: this.hasher.algorithm},
      splitter: this.#backend(this.splitter).name,
      seed: request.seed,
      ratios: request.ratios.map(({name, ratio}) => [name, ratio] as const),
      listing: listingOf(listing),
    };
    const partial = buildDataPartial(identity, shard, request.config, request.inlineItems, dataset.items);
    const path = resolve(out);
    await writeDataPartial(path, partial);
    return {
      partial: path,
      id: partial.id,
      job: partial.job,
      shard: formatShard(shard),
      items: dataset.items.length,
      bytes: dataset.items.reduce((sum, item) => sum + item.bytes, 0),
      datasetItems: listing.length,
      cachedItems: dataset.cachedItems,
    };
  }

  /**
   * Records the run of a sharded prepare-data from its partials: the same dataset id, checksums, membership
   * and manifest content (apart from run id and time) as `prepare` on one machine. Partials that overlap, miss
   * a shard or come from another input, seed or settings are refused before anything is written.
   */
  async merge(partials: readonly LoadedDataPartial[], request: MergeDataRequest): Promise<PrepareDataResult> {
    const ordered = checkDataPartials(partials);
    const {identity, config, inlineItems} = (ordered[0] as LoadedDataPartial).partial;
    const hasher = this.#backend(this.hasher).name;
    const splitter = this.#backend(this.splitter).name;
    if (identity.hasher.algorithm !== this.hasher.algorithm || identity.splitter !== splitter) {
      throw new CodexError(
        'E_PARTIAL',
        `the partials were made with hasher ${identity.hasher.name} and splitter ${identity.splitter}; this merge has ${hasher} and ${splitter}`,
        {hint: 'merge with the hasher and splitter the partials name', exitCode: ExitCode.input},
      );
    }
    const items = ordered.flatMap((entry) => entry.partial.items).sort((a, b) => compareIds(a.id, b.id));
    const recordRequest: RecordRequest = {
      ...request,
      seed: identity.seed,
      ratios: identity.ratios.map(([name, ratio]) => ({name, ratio})),
      config,
      inlineItems,
    };
    return await this.record(recordRequest, identity.source, items, 0);
  }

  private async read(request: PrepareDataRequest, shard?: Shard) {
    const files = new FileChecksums(this.hasher);
    const cache = await StatCache.open(request.cacheDir, this.hasher.algorithm);
    return await new DatasetReader(this.hasher, files).read(
      request.dataset,
      {cache, refresh: !request.useCache, threads: request.threads, onProgress: request.onProgress},
      true,
      shard,
    );
  }

  /** Splits checksummed items and records the run (or returns an identical earlier one). */
  private async record(
    request: RecordRequest,
    source: DataManifest['dataset'],
    datasetItems: readonly DatasetItem[],
    cachedItems: number,
  ): Promise<PrepareDataResult> {
    const assignment = this.splitter.split({
      items: datasetItems.map(({id, label, group}) => ({
        id,
        ...(label === undefined ? {} : {label}),
        ...(group === undefined ? {} : {group}),
      })),
      ratios: request.ratios,
      seed: request.seed,
    });
    const items: DataManifestItem[] = datasetItems.map((item) => {
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

    const previous = request.reuse ? await this.identicalRun(request, source, items, datasetId, assignment.params) : undefined;
    if (previous) return {...summaryOf(previous.manifest, previous.path, cachedItems), cached: true};

    const run = await RunDirectory.create(request.runsDir, {discardIfUnfinished: true});
    try {
      const manifest = await this.writeRun(run, request, source, items, datasetId, assignment.params);
      return {...summaryOf(manifest, run.file(MANIFEST_FILE), cachedItems), cached: false};
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
    request: RecordRequest,
    source: DataManifest['dataset'],
    items: readonly DataManifestItem[],
    datasetId: Checksum,
    splitterParams: Readonly<Record<string, unknown>>,
  ): Promise<DataManifestReader | undefined> {
    const candidates = await this.store.list({kind: DATA_MANIFEST_KIND, datasetId, newestFirst: true});
    const wanted = {
      source,
      hasher: this.#backend(this.hasher).name,
      splitter: {name: this.#backend(this.splitter).name, params: splitterParams},
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
    request: RecordRequest,
    source: DataManifest['dataset'],
    items: readonly DataManifestItem[],
    datasetId: Checksum,
    splitterParams: Readonly<Record<string, unknown>>,
  ): Promise<DataManifest> {
    const artifacts: Artifact[] = [];
    const writeArtifact = async (path: string, text: string): Promise<Artifact> => {
      const bytes = utf8(text);
      await writeFileAtomic(run.file(path), bytes);
      const artifact = {path, checksum: checksumOf(this.hasher, bytes), bytes: bytes.length};
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
      ...request.labels,
      datasetId,
      ...(fileBacked ? {root: source.path} : {}),
      seed: request.seed,
      splitter: {...this.#backend(this.splitter), params: splitterParams},
      hasher: {name: this.#backend(this.hasher).name, algorithm: this.hasher.algorithm},
      itemCount: items.length,
      bytes: items.reduce((sum, item) => sum + item.bytes, 0),
      dataset: source,
      splits,
      tools: {...request.tools, ...this.#pluginVersions()},
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

  /** Name, plugin and version of an injected backend, as manifests record them. */
  #backend(instance: Hasher | Splitter): {name: string; plugin: string; version: string} {
    const backend = backendOf(instance)?.backend;
    return {
      name: backend?.name ?? ('name' in instance ? instance.name : instance.algorithm),
      plugin: backend?.plugin ?? 'unknown',
      version: backend?.version ?? 'unknown',
    };
  }

  /** `<plugin>` → version of every plugin whose backend this run used. */
  #pluginVersions(): Record<string, string> {
    const versions: Record<string, string> = {};
    for (const instance of [this.hasher, this.splitter, this.store]) {
      const backend = backendOf(instance)?.backend;
      if (backend?.version !== undefined) versions[backend.plugin] = backend.version;
    }
    return versions;
  }
}

function summaryOf(manifest: DataManifest, manifestPath: string, cachedItems: number): Omit<PrepareDataResult, 'cached'> {
  return {
    runId: manifest.runId,
    manifest: manifestPath,
    runDir: dirname(manifestPath),
    datasetId: manifest.datasetId,
    splitter: manifest.splitter.name,
    seed: manifest.seed,
    itemCount: manifest.itemCount,
    bytes: manifest.bytes,
    counts: Object.fromEntries(manifest.splits.map((split) => [split.name, split.items])),
    splits: manifest.splits,
    cachedItems,
  };
}

function countLabels(items: readonly DataManifestItem[]): Record<string, number> | undefined {
  if (!items.some((item) => item.label !== undefined)) return undefined;
  const counts = new Map<string, number>();
  for (const item of items) if (item.label !== undefined) counts.set(item.label, (counts.get(item.label) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => compareIds(a, b)));
}
