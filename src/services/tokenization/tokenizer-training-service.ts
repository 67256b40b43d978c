import {readFile, rm} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {
  type Checksum,
  type Hasher,
  type InvalidUtf8Policy,
  type ManifestStore,
  type ProgressSink,
  RunDirectory,
  prepareRunsDir,
  type Tokenizer,
  type TokenizerFactory,
  type TokenizerTrainOptions,
  writeFileAtomic,
} from '@codex-ml/core';
import {pausePoint} from '../pause-point.js';
import {InputLeases} from '../runs/input-leases.js';
import {sealManifest} from '../runs/manifest-seal.js';
import {RUN_MANIFEST_FILE} from '../runs/run-manifest-recorder.js';
import {canonicalDigest, digestBytes} from './canonical-digest.js';
import type {CorpusResolver} from './corpus-resolver.js';
import type {CorpusDrift, CorpusSource} from './corpus-source.js';
import {type CorpusReadStats, readCorpusLines} from './corpus-text-reader.js';
import {hfTokenizerFiles} from './hf-tokenizer-files.js';
import type {TokenizerCache} from './tokenizer-cache.js';
import {TOKENIZER_MANIFEST_KIND, TOKENIZER_MANIFEST_VERSION, type TokenizerManifest} from './tokenizer-manifest.js';
import {type TokenizerTrainingSettings, pipelineOptions} from './tokenizer-settings.js';

/** The artifact's name inside its run directory and inside `--out`. */
export const TOKENIZER_FILE = 'tokenizer.json';

const FALLBACK_SPECIAL_TOKENS = ['[PAD]', '[BOS]', '[EOS]'] as const;

export interface TrainTokenizerRequest {
  readonly settings: TokenizerTrainingSettings;
  /** Retrain even when the cache has a valid entry. */
  readonly force?: boolean;
  /** Accept data-run files that changed since their manifest, recording the drift. */
  readonly allowDrift?: boolean;
  /** Also write the tokenizer to `<out>/`: tokenizer.json, tokenizer_config.json, special_tokens_map.json. */
  readonly out?: string;
  /** Invalid UTF-8 in corpus files (default `error`); part of the cache key when not the default. */
  readonly onInvalidUtf8?: InvalidUtf8Policy;
}

/** Hooks for progress and notices; all optional, none required for correctness. */
export interface TrainingObserver {
  readonly progress?: ProgressSink;
  notice?(message: string): void;
}

export interface TrainTokenizerResult {
  readonly runId: string;
  /** True when an earlier run's tokenizer was reused. */
  readonly cached: boolean;
  readonly cacheKey: Checksum;
  readonly modelType: string;
  readonly vocabSize: number;
  /** The tokenizer.json inside its run directory (absolute, like every path here). */
  readonly tokenizer: string;
  /** `<out>/tokenizer.json`, when `out` was given. */
  readonly out: string | null;
  /** The cache entry (a copy of the run's manifest). */
  readonly manifest: string;
  readonly artifactChecksum: Checksum;
  readonly datasetIds: readonly string[];
  readonly parents: readonly string[];
  readonly drift: readonly CorpusDrift[];
}

/** The backend that trains: its factory and where it came from (recorded in the manifest and the cache key). */
export interface TrainingBackend {
  readonly factory: TokenizerFactory;
  readonly name: string;
  readonly plugin: string;
  readonly version: string;
}

/**
 * Trains a tokenizer with provenance: assemble and verify the corpus, look the (data, config) key up in the
 * cache, train only on a miss (or when forced), then write the artifact, the run manifest and the cache entry.
 */
export class TokenizerTrainingService {
  constructor(
    private readonly hasher: Hasher,
    private readonly backend: TrainingBackend,
    private readonly resolver: CorpusResolver,
    private readonly cache: TokenizerCache,
    private readonly store: ManifestStore,
    private readonly hasherFor: (algorithm: string) => Promise<Hasher>,
  ) {}

  async train(request: TrainTokenizerRequest, observer: TrainingObserver = {}): Promise<TrainTokenizerResult> {
    // An unusable runs directory is refused before the corpus is read.
    await prepareRunsDir(request.settings.runsDir, 'runs.dir', {create: false});
    // Data runs read are leased before they are read, so runs:gc cannot remove them meanwhile.
    const leases = await InputLeases.take(request.settings.inputs, request.settings.runsDir);
    try {
      return await this.#train(request, observer);
    } finally {
      await leases.release();
    }
  }

  async #train(request: TrainTokenizerRequest, observer: TrainingObserver): Promise<TrainTokenizerResult> {
    const {settings} = request;
    const progress = observer.progress;
    let hashed = 0;
    const corpus = await this.resolver.resolve(settings.inputs, {
      split: settings.trainSplit,
      allowDrift: request.allowDrift,
      onDrift: (drift) =>
        observer.notice?.(`drift accepted: data run ${drift.runId} item ${drift.id}: expected ${drift.expected}, found ${drift.actual}`),
      onProgress: (done, total) => {
        if (done < hashed) hashed = 0;
        progress?.start('checksum', total);
        progress?.advance('checksum', done - hashed);
        hashed = done;
      },
    });
    progress?.finish('checksum');
    const policy = request.onInvalidUtf8 ?? 'error';
    const configDigest = canonicalDigest(
      this.hasher,
      policy === 'error' ? settings.training : {...settings.training, onInvalidUtf8: policy},
    );
    const backendIdentity = {plugin: this.backend.plugin, version: this.backend.version};
    const cacheKey = this.cache.key({corpus, configDigest, backend: backendIdentity});
    const keyLock = await this.cache.lock(cacheKey);
    try {
      if (!request.force) {
        const found = await this.cache.lookup(cacheKey);
        if (found.status === 'hit') {
          observer.notice?.(`cache hit: tokenizer of run ${found.manifest.runId} (same data and config); --force retrains`);
          const out = request.out ? await this.#copyOut(request.out, found.artifact) : null;
          return this.#result(found.manifest, true, found.artifact, out, this.cache.entryPath(cacheKey));
        }
        if (found.status === 'stale') observer.notice?.(`cache entry is stale and will be rebuilt: ${found.reason}`);
      }
      return await this.#trainFresh(request, corpus, cacheKey, configDigest, observer);
    } finally {
      await keyLock.release();
    }
  }

  async #trainFresh(
    request: TrainTokenizerRequest,
    corpus: CorpusSource,
    cacheKey: Checksum,
    configDigest: Checksum,
    observer: TrainingObserver,
  ): Promise<TrainTokenizerResult> {
    const {training} = request.settings;
    const run = await RunDirectory.create(request.settings.runsDir, {discardIfUnfinished: true});
    try {
      const stats: CorpusReadStats = {lines: 0, bytes: 0};
      const totalBytes = corpus.files.reduce((sum, file) => sum + file.bytes, 0) + corpus.records.reduce((sum, set) => sum + set.bytes, 0);
      const progress = observer.progress;
      progress?.start('read', totalBytes);
      let reported = 0;
      const lines = readCorpusLines(
        corpus,
        {
          hasherFor: this.hasherFor,
          onInvalidUtf8: request.onInvalidUtf8,
          onBytes: (bytes) => {
            progress?.advance('read', bytes - reported);
            reported = bytes;
          },
        },
        stats,
      );
      const options: TokenizerTrainOptions = {
        vocabSize: training.vocabSize,
        minFrequency: training.minFrequency,
        specialTokens:
          training.specialTokens.length > 0
            ? training.specialTokens
            : (this.backend.factory.defaultSpecialTokens ?? FALLBACK_SPECIAL_TOKENS),
        limitAlphabet: training.limitAlphabet ?? undefined,
        pipeline: pipelineOptions(training),
        params: training.trainer,
      };
      await pausePoint('tokenizer:train');
      const tokenizer = await this.backend.factory.train(lines, options, progress);
      progress?.finish('read');
      const bytes = new TextEncoder().encode(tokenizer.toJSON());
      const artifactPath = run.file(TOKENIZER_FILE);
      await writeFileAtomic(artifactPath, bytes);
      const artifactChecksum = digestBytes(this.hasher, bytes);
      const manifest: TokenizerManifest = sealManifest({
        schemaVersion: TOKENIZER_MANIFEST_VERSION,
        kind: TOKENIZER_MANIFEST_KIND,
        runId: run.runId,
        parents: corpus.parents,
        createdAt: new Date().toISOString(),
        cacheKey,
        configDigest,
        artifactChecksum,
        modelType: tokenizer.modelType,
        vocabSize: tokenizer.vocabSize,
        backend: {name: this.backend.name, plugin: this.backend.plugin, version: this.backend.version},
        config: training,
        corpus: {files: corpus.files.length + corpus.records.length, bytes: stats.bytes, lines: stats.lines},
        datasetIds: corpus.datasetIds,
        drift: corpus.drift,
        artifacts: [{path: TOKENIZER_FILE, checksum: artifactChecksum, bytes: bytes.length}],
        files: [
          ...corpus.files.map((file) => ({id: file.id, datasetId: file.datasetId, checksum: file.checksum, bytes: file.bytes})),
          ...corpus.records.map((set) => ({id: set.id, datasetId: set.datasetId, checksum: set.checksum, bytes: set.bytes})),
        ],
      } satisfies TokenizerManifest);
      // The run directory holds its manifest whatever the store, like every other run kind.
      if (this.store.name !== 'fs') await writeFileAtomic(join(run.path, RUN_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      await this.store.put(manifest);
      const entry = await this.cache.record(manifest);
      const out = request.out ? await this.#writeOut(request.out, bytes, tokenizer) : null;
      return this.#result(manifest, false, artifactPath, out, entry);
    } catch (error) {
      // No half-written run: a failed training leaves no run directory behind.
      await run.release();
      await rm(run.path, {recursive: true, force: true});
      throw error;
    } finally {
      await run.release();
    }
  }

  async #copyOut(out: string, artifact: string): Promise<string> {
    const bytes = await readFile(artifact);
    return this.#writeOut(out, bytes, this.backend.factory.load(bytes.toString('utf8'), artifact));
  }

  /** `<out>/tokenizer.json` plus the two files Hugging Face's `save_pretrained` writes beside it. */
  async #writeOut(out: string, bytes: Uint8Array, tokenizer: Tokenizer): Promise<string> {
    for (const file of hfTokenizerFiles(bytes, tokenizer)) await writeFileAtomic(resolve(out, file.name), file.bytes);
    return resolve(out, TOKENIZER_FILE);
  }

  #result(manifest: TokenizerManifest, cached: boolean, tokenizer: string, out: string | null, entry: string): TrainTokenizerResult {
    return {
      runId: manifest.runId,
      cached,
      cacheKey: manifest.cacheKey,
      modelType: manifest.modelType,
      vocabSize: manifest.vocabSize,
      tokenizer,
      out,
      manifest: resolve(entry),
      artifactChecksum: manifest.artifactChecksum,
      datasetIds: manifest.datasetIds,
      parents: manifest.parents,
      drift: manifest.drift,
    };
  }
}
