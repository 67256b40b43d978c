import {rm, stat} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {basename, dirname, join, resolve} from 'node:path';
import {inject, injectable} from 'tsyringe';
import {
  Backends,
  CodexError,
  type EngineDescription,
  ExitCode,
  Hasher,
  type Manifest,
  Optimizer,
  type OptimizerFactory,
  Registry,
  type ResolvedConfig,
  RunDirectory,
  prepareRunsDir,
  TrainingEngine,
  canonicalJson,
  checksumOf,
  isRunId,
  listRunIds,
} from '@codex-ml/core';
import {pausePoint} from '../pause-point.js';
import {clearRunFailure, markRunFailed} from '../runs/failed-run.js';
import {labelsOf} from '../runs/run-labels.js';
import {InputLeases, runDirectoryOf} from '../runs/input-leases.js';
import {RUN_MANIFEST_FILE, recordRunManifest} from '../runs/run-manifest-recorder.js';
import {BatchSampler} from './batch-sampler.js';
import {CheckpointStore} from './checkpoint-store.js';
import {type ConfigSnapshot, SNAPSHOT_FILE, readSnapshot, writeSnapshot} from './config-snapshot.js';
import {assertFitsInMemory} from './memory-budget.js';
import {MetricsLog} from './metrics-log.js';
import {scheduleFor} from './learning-rate-schedule.js';
import {requireOptimizerOfEngine} from './optimizer-pairing.js';
import {RunArtifacts} from './run-artifacts.js';
import {type LoadedTokenCache, TokenCache, type TokenCacheManifest, assertSplitLongEnough} from './token-cache.js';
import {type DataInput, type TokenizerInput, loadTokenizerInput, resolveDataInput, tokenCacheInputs} from './training-inputs.js';
import {
  assertResumeKeepsHistory,
  continuedSnapshot,
  copyMetricsThrough,
  finishedOutcome,
  forkedSnapshot,
  readFinishedRun,
} from './resume-history.js';
import {type RunnerOptions, optimizerOptions, readRunnerOptions, requireInputs, totalSteps as stepsFor} from './training-options.js';
import {type RunnerResult, type TrainingProgress, TrainingRunner} from './training-runner.js';

/** A run to continue, found by `locateResume`. */
export interface ResumeTarget {
  readonly runsDir: string;
  readonly runId: string;
  readonly runPath: string;
  readonly snapshot: ConfigSnapshot;
  /** Resume from this checkpoint step or an earlier intact one (a checkpoint path was given). */
  readonly atOrBefore?: number;
}

export interface TrainRequest {
  readonly config: ResolvedConfig;
  /** Where the run directory goes (`--run-dir`, else `runs.dir`); inputs given by run id are found in `runs.dir`. */
  readonly runsDir: string;
  readonly resume?: ResumeTarget;
  /** With `resume`: start a new run from the resume point instead of continuing that run. */
  readonly fork?: boolean;
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** Tokenizing progress (documents done, total) while the token cache entry is built. */
  readonly onTokenizing?: (done: number, total: number) => void;
  readonly onWarning?: (message: string) => void;
  /** Called once the run directory is open, then after every checkpoint is published. */
  readonly onCheckpoint?: (run: {readonly runId: string; readonly runDir: string; readonly step: number | null}) => void;
}

export interface TrainResult {
  readonly runId: string;
  readonly runDir: string;
  /** The run's manifest file, `<runDir>/manifest.json`. */
  readonly manifest: string;
  readonly steps: number;
  readonly finalLoss: number | null;
  readonly finalValLoss: number | null;
  readonly stoppedEarly: boolean;
  readonly resumedFrom: number | null;
  readonly tokenCache: {readonly directory: string; readonly hit: boolean};
}

/** Inputs and settings checked before any work. */
interface CheckedInputs {
  readonly options: RunnerOptions;
  readonly engine: TrainingEngine;
  readonly optimizer: OptimizerFactory;
  readonly hasher: Hasher;
  readonly tokenizer: TokenizerInput;
  readonly data: DataInput;
}

/**
 * `codex train` as a use case: check every input and setting, tokenize (or reuse the token cache), then run or
 * continue the training loop in a run directory and record its manifest. Everything that can be refused is
 * refused before the first step. The engine, optimizer and hasher are the ones config selects (`training.engine`,
 * `training.optimizer.name`, `hasher`), bound by the command; a resumed run's command binds them from its snapshot.
 */
@injectable()
export class TrainingService {
  constructor(
    @inject(TrainingEngine) private readonly engine: TrainingEngine,
    @inject(Optimizer) private readonly optimizer: OptimizerFactory,
    @inject(Hasher) private readonly hasher: Hasher,
    @inject(Backends) private readonly backends: Backends,
    @inject(Registry) private readonly registry: Registry,
  ) {}

  async train(request: TrainRequest): Promise<TrainResult> {
    // An unusable runs directory is refused before any input is read.
    await prepareRunsDir(request.resume?.runsDir ?? request.runsDir, 'runs.dir', {create: false});
    // Inputs (and a run being resumed) are leased before they are read, so runs:gc cannot remove them meanwhile.
    const started = request.resume?.snapshot.inputs;
    const leases = await InputLeases.take(
      [
        started?.data.manifest ?? request.config.get<string>('training.data'),
        started?.tokenizer.path ?? request.config.get<string>('training.tokenizer'),
        ...(request.resume ? [request.resume.runPath] : []),
      ],
      request.config.get<string>('runs.dir'),
    );
    try {
      return await this.#train(request, leases);
    } finally {
      await leases.release();
    }
  }

  async #train(request: TrainRequest, leases: InputLeases): Promise<TrainResult> {
    const warn = request.onWarning ?? (() => undefined);
    // A resumed run reads the very files it started with (absolute paths), whatever the working directory.
    const inputs = await this.#checkInputs(request.config, request.resume?.snapshot.inputs);
    const tokenizerRun = inputs.tokenizer.runId && (await runDirectoryOf(inputs.tokenizer.runId, request.config.get<string>('runs.dir')));
    if (tokenizerRun) await leases.add(tokenizerRun);
    const get = <T>(key: string): T => request.config.get<T>(key);
    const {engine} = inputs;
    await pausePoint('train:allocate');
    const model = await engine.createTrainableModel(
      {vocabSize: inputs.tokenizer.tokenizer.vocabSize, contextLength: inputs.options.contextLength, seed: inputs.options.seed},
      {
        optimizer: inputs.optimizer,
        optimizerOptions: optimizerOptions(get),
        clipNorm: get<number>('training.clipNorm'),
        workers: get<number>('training.workers'),
      },
    );
    try {
      await pausePoint('train:tokenize');
      const cache = await this.#tokenCache(request.config, inputs, warn, request.onTokenizing);
      const total = stepsFor(inputs.options, BatchSampler.windowsPerEpoch(cache.train.length, inputs.options.contextLength));
      if (request.resume && request.resume.snapshot.inputs.tokenCacheKey !== cache.manifest.key) {
        throw new CodexError('E_RESUME', `run ${request.resume.runId}: its tokenizer or data changed since it started`, {
          hint: 'restore the inputs it was started with, or start a new run',
          exitCode: ExitCode.integrity,
        });
      }
      if (request.resume) await assertResumeKeepsHistory(request.resume, total, request.fork === true);
      // A fork starts a new run from the resume point and leaves the original untouched; a resume continues it.
      const continuing = request.fork ? undefined : request.resume;
      const finished = continuing ? await readFinishedRun(continuing.runPath) : undefined;
      const run = continuing ? await RunDirectory.open(continuing.runsDir, continuing.runId) : await RunDirectory.create(request.runsDir);
      try {
        const checkpoints = new CheckpointStore(
          run.path,
          run.runId,
          inputs.hasher,
          holdBeforePublish(process.env.CODEX_TEST_HOLD_CHECKPOINT),
          finished?.checkpoints,
        );
        // Only run-length keys may differ from the original config; the digest follows them.
        const settings = {
          config: request.config.printableValues(),
          configDigest: checksumOf(inputs.hasher, canonicalJson(request.config.printableValues())),
          totalSteps: total,
        };
        let snapshot: ConfigSnapshot;
        let resumeFrom: Awaited<ReturnType<CheckpointStore['loadLatest']>>;
        if (continuing) {
          await clearRunFailure(run.path);
          resumeFrom = await checkpoints.loadLatest(warn, {atOrBefore: continuing.atOrBefore});
          const done = finishedOutcome(continuing, finished, resumeFrom?.checkpoint.step ?? null, total);
          if (done) {
            warn(
              `run ${run.runId} already finished at step ${done.steps} with these settings; nothing was changed (raise training.steps to extend it)`,
            );
            return {
              runId: run.runId,
              runDir: run.path,
              manifest: join(run.path, RUN_MANIFEST_FILE),
              steps: done.steps,
              finalLoss: done.finalLoss,
              finalValLoss: done.finalValLoss,
              stoppedEarly: done.stoppedEarly,
              resumedFrom: resumeFrom?.checkpoint.step ?? null,
              tokenCache: {directory: cache.directory, hit: cache.hit},
            };
          }
          if (!resumeFrom) warn(`run ${run.runId} has no intact checkpoint; starting it again from step 0`);
          await checkpoints.discardAfter(resumeFrom?.checkpoint.step ?? -1);
          snapshot = continuedSnapshot(continuing.snapshot, {...settings, fromStep: resumeFrom?.checkpoint.step ?? null});
        } else if (request.resume) {
          const source = new CheckpointStore(request.resume.runPath, request.resume.runId, inputs.hasher);
          resumeFrom = await source.loadLatest(warn, {atOrBefore: request.resume.atOrBefore, readOnly: true});
          if (!resumeFrom) {
            throw new CodexError('E_RESUME', `run ${request.resume.runId} has no intact checkpoint to fork from`, {
              hint: 'start a new run instead',
              exitCode: ExitCode.integrity,
            });
          }
          if (total <= resumeFrom.checkpoint.step) {
            throw new CodexError('E_RESUME', `a fork from step ${resumeFrom.checkpoint.step} needs more than ${total} steps`, {
              hint: `set training.steps above ${resumeFrom.checkpoint.step}`,
              exitCode: ExitCode.usage,
            });
          }
          snapshot = forkedSnapshot(request.resume.snapshot, {...settings, runId: run.runId, step: resumeFrom.checkpoint.step});
          await copyMetricsThrough(join(request.resume.runPath, 'metrics.ndjson'), run.file('metrics.ndjson'), resumeFrom.checkpoint.step);
        } else {
          snapshot = await this.#newSnapshot(run.runId, request.config, inputs, cache.manifest, total, engine.description);
        }
        await writeSnapshot(run.path, snapshot);
        const reportCheckpoint = (step: number | null) => request.onCheckpoint?.({runId: run.runId, runDir: run.path, step});
        reportCheckpoint(resumeFrom?.checkpoint.step ?? null);
        const metrics = await MetricsLog.open(run.file('metrics.ndjson'), {
          keepThroughStep: continuing ? (resumeFrom?.checkpoint.step ?? 0) : undefined,
        });
        const schedule = scheduleFor(get, total);
        let outcome: RunnerResult;
        try {
          outcome = await new TrainingRunner().run({
            options: inputs.options,
            totalSteps: total,
            model,
            // The schedule counts updates from 0; the runner numbers them from 1.
            learningRate: (step) => schedule.at(step - 1),
            train: cache.train,
            val: cache.val,
            checkpoints,
            metrics,
            resume: resumeFrom?.content,
            onProgress: request.onProgress,
            onCheckpoint: reportCheckpoint,
          });
        } finally {
          await metrics.close();
        }
        await this.#writeManifest(run, snapshot, inputs, cache.manifest, outcome, total, engine.description, warn);
        return {
          runId: run.runId,
          runDir: run.path,
          manifest: join(run.path, RUN_MANIFEST_FILE),
          steps: outcome.steps,
          finalLoss: outcome.finalLoss,
          finalValLoss: outcome.finalValLoss,
          stoppedEarly: outcome.stoppedEarly,
          resumedFrom: resumeFrom?.checkpoint.step ?? null,
          tokenCache: {directory: cache.directory, hit: cache.hit},
        };
      } catch (error) {
        // A new run with nothing to resume from leaves no directory. One with checkpoints (or one resumed) is
        // kept, since a resume may still use them, but marked: runs:list shows it and runs:gc removes it.
        const worthKeeping = continuing !== undefined || (await new CheckpointStore(run.path, run.runId, inputs.hasher).list()).length > 0;
        if (worthKeeping) await markRunFailed(run.path, error);
        else {
          await run.release();
          await rm(run.path, {recursive: true, force: true});
        }
        throw error;
      } finally {
        await run.release();
      }
    } finally {
      await model.dispose();
    }
  }

  /** Everything that can be refused from config and inputs alone: settings, backends, tokenizer, data checksums. */
  async #checkInputs(config: ResolvedConfig, started?: ConfigSnapshot['inputs']): Promise<CheckedInputs> {
    const get = <T>(key: string): T => config.get<T>(key);
    const options = readRunnerOptions(get);
    requireInputs(options);
    const {engine, optimizer, hasher} = this;
    await requireOptimizerOfEngine(config, this.backends, optimizer);
    // Built now so that a bad schedule setting fails before any work; rebuilt once the run length is known.
    scheduleFor(get, options.steps);
    const inputRuns = get<string>('runs.dir');
    const loaded = await loadTokenizerInput(started?.tokenizer.path ?? options.tokenizer, inputRuns, this.backends, hasher);
    const tokenizer = {...loaded, runId: loaded.runId ?? (await this.#tokenizerRunOf(loaded.checksum))};
    if (tokenizer.maxLength !== null && options.contextLength > tokenizer.maxLength) {
      throw new CodexError(
        'E_CONFIG',
        `training.model.contextLength ${options.contextLength} is larger than the ${tokenizer.maxLength} tokens ${tokenizer.path} allows`,
        {hint: `set training.model.contextLength to at most ${tokenizer.maxLength}`, exitCode: ExitCode.config},
      );
    }
    // Model, batch and context against memory, before the data is read or anything allocated.
    const spec = {vocabSize: tokenizer.tokenizer.vocabSize, contextLength: options.contextLength, seed: options.seed};
    assertFitsInMemory(engine, spec, options.batchSize);
    const data = await resolveDataInput(started?.data.manifest ?? options.data, {
      runsDir: inputRuns,
      cacheDir: resolve(get<string>('cache.dir')),
      trainSplit: get<string>('training.trainSplit'),
      valSplit: get<string>('training.valSplit'),
      backends: this.backends,
    });
    return {options, engine, optimizer, hasher, tokenizer, data};
  }

  /** The token ids of both splits, from the cache or tokenized now; splits too short for one window are refused. */
  async #tokenCache(
    config: ResolvedConfig,
    inputs: CheckedInputs,
    warn: (message: string) => void,
    onProgress?: (done: number, total: number) => void,
  ): Promise<LoadedTokenCache> {
    const {tokenizer, data, options} = inputs;
    const cache = await new TokenCache(resolve(config.get<string>('cache.dir')), inputs.hasher).load(
      tokenCacheInputs(tokenizer, data, onProgress),
      warn,
    );
    assertSplitLongEnough('train', cache.train.length, options.contextLength);
    assertSplitLongEnough('val', cache.val.length, options.contextLength);
    return cache;
  }

  async #newSnapshot(
    runId: string,
    config: ResolvedConfig,
    inputs: CheckedInputs,
    cache: TokenCacheManifest,
    totalSteps: number,
    engine: EngineDescription,
  ): Promise<ConfigSnapshot> {
    const {tokenizer, data} = inputs;
    return {
      schemaVersion: 1,
      kind: 'training-config',
      runId,
      createdAt: new Date().toISOString(),
      seed: inputs.options.seed,
      configDigest: checksumOf(inputs.hasher, canonicalJson(config.printableValues())),
      parents: {data: data.runId, tokenizer: tokenizer.runId, tokenCache: cache.runId},
      inputs: {
        tokenizer: {path: tokenizer.path, checksum: tokenizer.checksum},
        data: {runId: data.runId, manifest: data.manifest, datasetIds: data.datasetIds},
        tokenCacheKey: cache.key,
        vocabSize: tokenizer.tokenizer.vocabSize,
        totalSteps,
      },
      versions: {...(await hostVersions(this.registry)), ...engine.versions},
      engine: engine.engine,
      backend: engine.backend,
      config: config.printableValues(),
    };
  }

  /** The run manifest (kind "training"): lineage, config digest, outcome and every artifact with its checksum. */
  async #writeManifest(
    run: RunDirectory,
    snapshot: ConfigSnapshot,
    inputs: CheckedInputs,
    cache: TokenCacheManifest,
    outcome: RunnerResult,
    totalSteps: number,
    engine: EngineDescription,
    warn: (message: string) => void,
  ): Promise<void> {
    const manifest: Manifest = {
      schemaVersion: 1,
      kind: 'training',
      runId: run.runId,
      parents: [
        inputs.data.runId,
        ...(inputs.tokenizer.runId ? [inputs.tokenizer.runId] : []),
        ...(snapshot.forkedFrom ? [snapshot.forkedFrom.runId] : []),
      ].sort(),
      createdAt: snapshot.createdAt,
      ...labelsOf(snapshot.config),
      seed: inputs.options.seed,
      configDigest: snapshot.configDigest,
      datasetIds: inputs.data.datasetIds,
      engine: engine.engine,
      backend: engine.backend,
      steps: outcome.steps,
      totalSteps,
      stoppedEarly: outcome.stoppedEarly,
      finalLoss: outcome.finalLoss,
      finalValLoss: outcome.finalValLoss,
      tokenCache: {runId: cache.runId, key: cache.key},
      ...(snapshot.forkedFrom ? {forkedFrom: snapshot.forkedFrom} : {}),
      artifacts: await new RunArtifacts(run.path, inputs.hasher).list(),
    };
    await recordRunManifest(this.backends, {path: run.path, runsDir: dirname(run.path)}, manifest, warn);
  }

  /**
   * The tokenizer run that wrote a tokenizer.json copied out of its run directory (`tokenizer:train --out`),
   * found by the artifact checksum its manifest records; null when no run in `runs.dir` matches.
   */
  async #tokenizerRunOf(checksum: string): Promise<string | null> {
    const name = this.backends.selected('manifest-store');
    if (!this.backends.names('manifest-store').includes(name)) return null;
    try {
      const store = await this.backends.open('manifest-store', name, 'manifest.store');
      for (const summary of await store.list({kind: 'tokenizer', newestFirst: true, limit: 200})) {
        const manifest = await store.get(summary.runId).catch(() => undefined);
        if (manifest?.artifactChecksum === checksum) return summary.runId;
      }
      return null;
    } catch {
      return null;
    }
  }
}

/**
 * Finds the run `--resume` names: `latest` (the newest training run in `runsDir`), a run id, a run directory,
 * or one checkpoint directory of a run (resume from that checkpoint, or the newest intact one before it).
 */
export async function locateResume(runsDir: string, spec: string): Promise<ResumeTarget> {
  if (spec === 'latest') {
    const ids = await listRunIds(runsDir);
    for (const runId of [...ids].reverse()) {
      const runPath = join(resolve(runsDir), runId);
      if (await exists(join(runPath, SNAPSHOT_FILE))) return {runsDir, runId, runPath, snapshot: await readSnapshot(runPath)};
    }
    throw new CodexError('E_RESUME', `--resume latest: no training run in ${runsDir}`, {
      hint: 'start one with codex train, or pass --run-dir where your runs are',
      exitCode: ExitCode.input,
    });
  }
  if (isRunId(spec) && !(await exists(spec))) {
    const runPath = join(resolve(runsDir), spec);
    if (!(await exists(runPath))) {
      throw new CodexError('E_RESUME', `--resume ${spec}: no such run in ${runsDir}`, {
        hint: 'pass --run-dir where the run lives',
        exitCode: ExitCode.input,
      });
    }
    return {runsDir, runId: spec, runPath, snapshot: await readSnapshot(runPath)};
  }
  const path = resolve(spec);
  if (!(await exists(path))) {
    throw new CodexError('E_RESUME', `--resume ${spec}: no such run or checkpoint`, {
      hint: 'pass latest, a run id, a run directory or a checkpoint directory',
      exitCode: ExitCode.input,
    });
  }
  const step = /^step-(\d{9})$/.exec(basename(path));
  const runPath = step && basename(dirname(path)) === 'checkpoints' ? dirname(dirname(path)) : path;
  const runId = basename(runPath);
  if (!isRunId(runId)) {
    throw new CodexError('E_RESUME', `--resume ${spec}: ${runPath} is not a run directory (its name is not a run id)`, {
      hint: 'pass a directory written by codex train',
      exitCode: ExitCode.input,
    });
  }
  return {
    runsDir: dirname(runPath),
    runId,
    runPath,
    snapshot: await readSnapshot(runPath),
    ...(step ? {atOrBefore: Number(step[1])} : {}),
  };
}

/**
 * Fault injection for the kill-during-checkpoint tests: with `CODEX_TEST_HOLD_CHECKPOINT=<step>`, the write of
 * that step's checkpoint stops after its files are on disk and before it is published, announces it on stderr
 * and waits to be killed.
 */
function holdBeforePublish(step: string | undefined): ((name: string) => Promise<void>) | undefined {
  if (step === undefined || !/^\d+$/.test(step)) return undefined;
  const held = CheckpointStore.nameOf(Number(step));
  return (name) => {
    if (name !== held) return Promise.resolve();
    process.stderr.write(`holding checkpoint ${name} before publishing it\n`);
    return new Promise(() => setInterval(() => undefined, 60_000));
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Versions of Node, the CLI, core and every plugin that registered backends (sorted by package name). */
async function hostVersions(registry: Registry): Promise<Record<string, string>> {
  const require = createRequire(import.meta.url);
  const read = (id: string): string => {
    try {
      return (require(id) as {version?: string}).version ?? 'unknown';
    } catch {
      return 'unknown';
    }
  };
  const versions: Record<string, string> = {
    node: process.versions.node,
    // dist/src/services/training/ → the CLI package's own package.json.
    'codex-ml': read('../../../../package.json'),
    '@codex-ml/core': read('@codex-ml/core/package.json'),
  };
  for (const backend of [...registry.list()].sort((a, b) => (a.plugin < b.plugin ? -1 : a.plugin > b.plugin ? 1 : 0))) {
    versions[backend.plugin] = backend.version;
  }
  return versions;
}
