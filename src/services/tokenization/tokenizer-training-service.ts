import type {RunLabels} from '../runs/run-labels.js';
import {readFile, rm} from 'node:fs/promises';
import {dirname, join, resolve} from 'node:path';
import {
  type Checksum,
  type InvalidUtf8Policy,
  CodexError,
  ExitCode,
  Hasher,
  ManifestStore,
  type ProgressSink,
  RunDirectory,
  type Shard,
  prepareRunsDir,
  Tokenizer,
  type TokenizerFactory,
  type TokenizerTrainOptions,
  backendOf,
  canonicalJson,
  checksumOf,
  formatShard,
  shardOfId,
  utf8,
  writeFileAtomic,
} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {pausePoint} from '../pause-point.js';
import {InputLeases} from '../runs/input-leases.js';
import {sealManifest} from '../runs/manifest-seal.js';
import {RUN_MANIFEST_FILE} from '../runs/run-manifest-recorder.js';
import {CorpusResolver} from './corpus-resolver.js';
import type {CorpusDrift, CorpusSource} from './corpus-source.js';
import {type CorpusReadStats, readCorpusLines} from './corpus-text-reader.js';
import {FileChecksummer} from './file-checksummer.js';
import {hfTokenizerFiles} from './hf-tokenizer-files.js';
import {TokenizerCache} from './tokenizer-cache.js';
import {TOKENIZER_MANIFEST_KIND, TOKENIZER_MANIFEST_VERSION, type TokenizerManifest} from './tokenizer-manifest.js';
import type {TokenizerTrainingConfig, TokenizerTrainingSettings} from './tokenizer-settings.js';
import {
  type CountedCorpus,
  type CountingSettings,
  type LoadedWordCounts,
  buildWordCounts,
  mergeWordCounts,
  writeWordCounts,
} from './word-count-partial.js';

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
  /** Name and tags a new run records (`--name`, `--tag`); a cached tokenizer keeps its own. */
  readonly labels?: RunLabels;
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
  /** The run directory of the tokenizer (an earlier run's when cached). */
  readonly runDir: string;
  /** The run's manifest file, `<runDir>/manifest.json`. */
  readonly manifest: string;
  /** The cache entry that finds this run again (a copy of its manifest). */
  readonly cacheEntry: string;
  readonly artifactChecksum: Checksum;
  readonly datasetIds: readonly string[];
  readonly parents: readonly string[];
  readonly drift: readonly CorpusDrift[];
}

/** `tokenizer:count --shard i/n --out FILE`. */
export interface CountWordsRequest {
  readonly settings: TokenizerTrainingSettings;
  readonly allowDrift?: boolean;
  readonly shard: Shard;
  /** Where the partial is written. */
  readonly out: string;
}

export interface CountWordsResult {
  /** Absolute path of the partial written. */
  readonly partial: string;
  /** Its content address. */
  readonly id: Checksum;
  /** Shared by every shard of the same count. */
  readonly job: Checksum;
  /** `i/n`. */
  readonly shard: string;
  /** Files and record sets this shard read, and what they held. */
  readonly sources: number;
  readonly bytes: number;
  readonly lines: number;
  /** Distinct words counted. */
  readonly words: number;
}

/** What a training run trains on: the corpus it records, and how to get the tokenizer from it. */
interface TrainingSource {
  readonly corpus: Omit<CountedCorpus, 'digest'>;
  train(
    options: TokenizerTrainOptions,
    progress: ProgressSink | undefined,
  ): Promise<{tokenizer: Tokenizer; read: {bytes: number; lines: number}}>;
}

/** The backend that trains and where it came from (recorded in the manifest and the cache key). */
interface TrainingBackend {
  readonly name: string;
  readonly plugin: string;
  readonly version: string;
}

/**
 * Trains a tokenizer with provenance: assemble and verify the corpus, look the (data, config) key up in the
 * cache, train only on a miss (or when forced), then write the artifact, the run manifest and the cache entry.
 */
@injectable()
export class TokenizerTrainingService {
  readonly #backend: TrainingBackend;
  readonly #hasherFor: (algorithm: string) => Promise<Hasher>;

  constructor(
    @inject(Hasher) private readonly hasher: Hasher,
    @inject(Tokenizer) private readonly factory: TokenizerFactory,
    @inject(CorpusResolver) private readonly resolver: CorpusResolver,
    @inject(FileChecksummer) checksummer: FileChecksummer,
    @inject(ManifestStore) private readonly store: ManifestStore,
  ) {
    const backend = backendOf<'tokenizer'>(factory)?.backend;
    this.#backend = {
      name: backend?.name ?? factory.modelType,
      plugin: backend?.plugin ?? 'unknown',
      version: backend?.version ?? 'unknown',
    };
    this.#hasherFor = (algorithm) => checksummer.hasherFor(algorithm);
  }

  async train(request: TrainTokenizerRequest, observer: TrainingObserver = {}): Promise<TrainTokenizerResult> {
    return await this.#leased(request, () => this.#train(request, observer));
  }

  async #train(request: TrainTokenizerRequest, observer: TrainingObserver): Promise<TrainTokenizerResult> {
    const cache = this.#cache(request.settings);
    const corpus = await this.#resolve(request, observer);
    const configDigest = digestOfTraining(this.hasher, request.settings);
    const cacheKey = cache.key({corpus: cache.corpusDigest(corpus), configDigest, backend: this.#backendIdentity});
    const source: TrainingSource = {
      corpus: this.#described(corpus),
      train: async (options, progress) => {
        const stats: CorpusReadStats = {lines: 0, bytes: 0};
        // Pipeline stages and trainer parameters: the backend's own config block, which it was created with.
        const tokenizer = await this.factory.train(
          this.#lines(corpus, stats, progress, false, request.settings.onInvalidUtf8),
          options,
          progress,
        );
        progress?.finish('read');
        return {tokenizer, read: stats};
      },
    };
    return await this.#trainCached(request, cache, cacheKey, configDigest, source, observer);
  }

  /**
   * One shard of the word counting that training starts with: resolves (and verifies) the whole corpus, reads
   * only the shard's share — files by a stable hash of their id, records of a split by position — and writes
   * the backend's word counts, with the settings that cut the words, as a partial to `out` (atomically).
   */
  async countShard(request: CountWordsRequest, observer: TrainingObserver = {}): Promise<CountWordsResult> {
    return await this.#leased(request, () => this.#countShard(request, observer));
  }

  async #countShard(request: CountWordsRequest, observer: TrainingObserver): Promise<CountWordsResult> {
    const factory = this.#countingFactory();
    const cache = this.#cache(request.settings);
    const corpus = await this.#resolve(request, observer);
    const mine = shardOfCorpus(corpus, request.shard);
    const stats: CorpusReadStats = {lines: 0, bytes: 0};
    const words = await factory.countWords(
      this.#lines(mine, stats, observer.progress, true, request.settings.onInvalidUtf8),
      this.#trainOptions(request.settings.training),
    );
    observer.progress?.finish('read');
    const counts = buildWordCounts(
      countingSettings(request.settings.training),
      {...this.#described(corpus), digest: cache.corpusDigest(corpus)},
      request.shard,
      {bytes: stats.bytes, lines: stats.lines},
      words,
    );
    const path = resolve(request.out);
    await writeWordCounts(path, counts);
    return {
      partial: path,
      id: counts.id,
      job: counts.job,
      shard: formatShard(request.shard),
      sources: mine.files.length + mine.records.length,
      bytes: stats.bytes,
      lines: stats.lines,
      words: counts.words.length,
    };
  }

  /**
   * Trains on word-count partials (`tokenizer:train --from-counts`): they must be every shard of one count, made
   * with this training's normalizer and pre-tokenizer. The tokenizer, its run and its cache entry are the ones
   * training on the corpus itself gives.
   */
  async trainFromCounts(
    request: TrainTokenizerRequest,
    partials: readonly LoadedWordCounts[],
    observer: TrainingObserver = {},
  ): Promise<TrainTokenizerResult> {
    const factory = this.#countingFactory();
    const cache = this.#cache(request.settings);
    const merged = mergeWordCounts(partials, countingSettings(request.settings.training));
    const configDigest = digestOfTraining(this.hasher, request.settings);
    const cacheKey = cache.key({corpus: merged.corpus.digest, configDigest, backend: this.#backendIdentity});
    const source: TrainingSource = {
      corpus: merged.corpus,
      train: async (options, progress) => ({tokenizer: await factory.trainFromCounts(merged.words, options, progress), read: merged.read}),
    };
    return await this.#trainCached(request, cache, cacheKey, configDigest, source, observer);
  }

  /**
   * An unusable runs directory is refused before the corpus is read, and data runs read are leased before they
   * are read, so runs:gc cannot remove them meanwhile.
   */
  async #leased<T>(request: {settings: TokenizerTrainingSettings}, body: () => Promise<T>): Promise<T> {
    await prepareRunsDir(request.settings.runsDir, 'runs.dir', {create: false});
    const leases = await InputLeases.take(request.settings.inputs, request.settings.runsDir);
    try {
      return await body();
    } finally {
      await leases.release();
    }
  }

  #cache(settings: TokenizerTrainingSettings): TokenizerCache {
    return new TokenizerCache(settings.cacheDir, settings.runsDir, this.hasher, this.#hasherFor);
  }

  get #backendIdentity(): {plugin: string; version: string} {
    return {plugin: this.#backend.plugin, version: this.#backend.version};
  }

  #countingFactory(): Required<Pick<TokenizerFactory, 'countWords' | 'trainFromCounts'>> {
    const {factory} = this;
    if (!factory.countWords || !factory.trainFromCounts) {
      throw new CodexError(
        'E_TOKENIZER',
        `tokenizer backend ${this.#backend.name} (${this.#backend.plugin}) cannot train from word counts`,
        {
          hint: 'train on the corpus itself, or choose a backend that counts words (bpe, wordpiece)',
          exitCode: ExitCode.config,
        },
      );
    }
    return {countWords: factory.countWords.bind(factory), trainFromCounts: factory.trainFromCounts.bind(factory)};
  }

  async #resolve(request: {settings: TokenizerTrainingSettings; allowDrift?: boolean}, observer: TrainingObserver): Promise<CorpusSource> {
    const {settings} = request;
    const progress = observer.progress;
    let hashed = 0;
    const corpus = await this.resolver.resolve(settings.inputs, {
      split: settings.trainSplit,
      runsDir: settings.runsDir,
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
    return corpus;
  }

  /** The corpus as the manifest records it. */
  #described(corpus: CorpusSource): Omit<CountedCorpus, 'digest'> {
    return {
      files: [
        ...corpus.files.map((file) => ({id: file.id, datasetId: file.datasetId, checksum: file.checksum, bytes: file.bytes})),
        ...corpus.records.map((set) => ({id: set.id, datasetId: set.datasetId, checksum: set.checksum, bytes: set.bytes})),
      ],
      datasetIds: corpus.datasetIds,
      parents: corpus.parents,
      drift: corpus.drift,
    };
  }

  #lines(
    corpus: Pick<CorpusSource, 'files' | 'records'>,
    stats: CorpusReadStats,
    progress: ProgressSink | undefined,
    allowEmpty: boolean,
    onInvalidUtf8: InvalidUtf8Policy,
  ): AsyncIterable<string> {
    const totalBytes = corpus.files.reduce((sum, file) => sum + file.bytes, 0) + corpus.records.reduce((sum, set) => sum + set.bytes, 0);
    progress?.start('read', totalBytes);
    let reported = 0;
    return readCorpusLines(
      corpus,
      {
        hasherFor: this.#hasherFor,
        allowEmpty,
        onInvalidUtf8,
        onBytes: (bytes) => {
          progress?.advance('read', bytes - reported);
          reported = bytes;
        },
      },
      stats,
    );
  }

  #trainOptions(training: TokenizerTrainingSettings['training']): TokenizerTrainOptions {
    return {
      vocabSize: training.vocabSize,
      minFrequency: training.minFrequency,
      specialTokens:
        training.specialTokens.length > 0 ? training.specialTokens : (this.factory.defaultSpecialTokens ?? FALLBACK_SPECIAL_TOKENS),
      limitAlphabet: training.limitAlphabet ?? undefined,
    };
  }

  async #trainCached(
    request: TrainTokenizerRequest,
    cache: TokenizerCache,
    cacheKey: Checksum,
    configDigest: Checksum,
    source: TrainingSource,
    observer: TrainingObserver,
  ): Promise<TrainTokenizerResult> {
    const keyLock = await cache.lock(cacheKey);
    try {
      if (!request.force) {
        const found = await cache.lookup(cacheKey);
        if (found.status === 'hit') {
          observer.notice?.(`cache hit: tokenizer of run ${found.manifest.runId} (same data and config); --force retrains`);
          const out = request.out ? await this.#copyOut(request.out, found.artifact) : null;
          return this.#result(found.manifest, true, found.artifact, out, cache.entryPath(cacheKey));
        }
        if (found.status === 'stale') observer.notice?.(`cache entry is stale and will be rebuilt: ${found.reason}`);
      }
      return await this.#trainFresh(request, cache, cacheKey, configDigest, source, observer);
    } finally {
      await keyLock.release();
    }
  }

  async #trainFresh(
    request: TrainTokenizerRequest,
    cache: TokenizerCache,
    cacheKey: Checksum,
    configDigest: Checksum,
    source: TrainingSource,
    observer: TrainingObserver,
  ): Promise<TrainTokenizerResult> {
    const {training} = request.settings;
    const run = await RunDirectory.create(request.settings.runsDir, {discardIfUnfinished: true});
    try {
      await pausePoint('tokenizer:train');
      const {tokenizer, read} = await source.train(this.#trainOptions(training), observer.progress);
      const bytes = utf8(tokenizer.toJSON());
      const artifactPath = run.file(TOKENIZER_FILE);
      await writeFileAtomic(artifactPath, bytes);
      const artifactChecksum = checksumOf(this.hasher, bytes);
      const {corpus} = source;
      const manifest: TokenizerManifest = sealManifest({
        schemaVersion: TOKENIZER_MANIFEST_VERSION,
        kind: TOKENIZER_MANIFEST_KIND,
        runId: run.runId,
        parents: corpus.parents,
        createdAt: new Date().toISOString(),
        ...request.labels,
        cacheKey,
        configDigest,
        artifactChecksum,
        modelType: tokenizer.modelType,
        vocabSize: tokenizer.vocabSize,
        backend: this.#backend,
        config: training,
        corpus: {files: corpus.files.length, bytes: read.bytes, lines: read.lines},
        datasetIds: corpus.datasetIds,
        drift: corpus.drift,
        artifacts: [{path: TOKENIZER_FILE, checksum: artifactChecksum, bytes: bytes.length}],
        files: corpus.files,
      } satisfies TokenizerManifest);
      // The run directory holds its manifest whatever the store, like every other run kind.
      if (this.store.name !== 'fs') await writeFileAtomic(join(run.path, RUN_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
      await this.store.put(manifest);
      const entry = await cache.record(manifest);
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
    return this.#writeOut(out, bytes, this.factory.load(bytes.toString('utf8'), artifact));
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
      runDir: dirname(resolve(tokenizer)),
      manifest: join(dirname(resolve(tokenizer)), RUN_MANIFEST_FILE),
      cacheEntry: resolve(entry),
      artifactChecksum: manifest.artifactChecksum,
      datasetIds: manifest.datasetIds,
      parents: manifest.parents,
      drift: manifest.drift,
    };
  }
}

/**
 * The settings that cut a corpus into words, as the partials record them: the model and its normalizer and
 * pre-tokenizer keys (`tokenizer.<model>.*`; absent = the model's default).
 */
export function countingSettings(training: TokenizerTrainingConfig): CountingSettings {
  return {
    'tokenizer.model': training.model,
    [`tokenizer.${training.model}.normalizer`]: training.options.normalizer ?? [],
    [`tokenizer.${training.model}.preTokenizer`]: training.options.preTokenizer ?? null,
  };
}

/**
 * A shard's share of a corpus: files whose id falls in the shard (`shardOfId`), and every n-th text of each
 * record set (a set's texts come in a fixed order, sorted by record id).
 */
function shardOfCorpus(corpus: CorpusSource, shard: Shard): Pick<CorpusSource, 'files' | 'records'> {
  return {
    files: corpus.files.filter((file) => shardOfId(file.id, shard.count) === shard.index),
    records: corpus.records.map((set) => ({
      ...set,
      texts: async function* () {
        let index = 0;
        for await (const text of set.texts()) if (index++ % shard.count === shard.index) yield text;
      },
    })),
  };
}

/** Digest of what shapes the tokenizer: the training config, and the invalid-UTF-8 policy when not the default. */
function digestOfTraining(hasher: Hasher, settings: TokenizerTrainingSettings): Checksum {
  const {training, onInvalidUtf8} = settings;
  return checksumOf(hasher, canonicalJson(onInvalidUtf8 === 'error' ? training : {...training, onInvalidUtf8}));
}
