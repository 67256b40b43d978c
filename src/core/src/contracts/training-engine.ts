import type {OptimizerFactory, OptimizerOptions, OptimizerState} from './optimizer.js';

/** DI token of the training-engine contract (see `Hasher` for why `Symbol.for`). */
export const TrainingEngine = Symbol.for('codex-ml.TrainingEngine');

/**
 * `batchSize` rows of `length` token ids, row-major; `targets[i]` is the token that follows `contexts[i]`.
 * Ids are in `[0, vocabSize)`.
 */
export interface TokenBatch {
  readonly batchSize: number;
  readonly length: number;
  readonly contexts: Int32Array;
  readonly targets: Int32Array;
}

/** One named float32 tensor (a weight or an optimizer slot): raw values in row-major order. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** What every model is built for, whatever the engine. Architecture settings are the engine's own options. */
export interface ModelSpec {
  readonly vocabSize: number;
  /** Longest context the model takes; batches have `length` ≤ this. */
  readonly contextLength: number;
  /** Every random choice of the model (initial weights, dropout) derives from it. */
  readonly seed: number;
}

/** What a model needs to be trained: the optimizer config selected, and clipping. */
export interface TrainingSetup {
  /** The bound `optimizer` backend (`training.optimizer.name`); it must serve this engine (`engine`). */
  readonly optimizer: OptimizerFactory;
  readonly optimizerOptions: OptimizerOptions;
  /** Clip the averaged gradient to this global L2 norm before the update; 0: no clipping (the norm is still reported). */
  readonly clipNorm: number;
  /**
   * `training.workers`: threads (or processes) the engine may spread a step's gradient computation over; 0 or
   * absent: the engine decides (typically one per core). An engine may use fewer. Results must not depend on it:
   * losses and weights are the same for every worker count, so a run may resume with another.
   */
  readonly workers?: number;
}

/** What one update reports. */
export interface StepOutcome {
  /** Mean cross-entropy (nats) over the step's tokens, before the update. */
  readonly loss: number;
  /** Global L2 norm of the averaged gradient, before clipping. */
  readonly gradNorm: number;
}

/** Recorded in every training run's config snapshot and manifest. */
export interface EngineDescription {
  /** The engine's registered name (`training.engine`). */
  readonly engine: string;
  /** What computes inside it (e.g. a TensorFlow.js backend: `wasm`); the engine name when there is no choice. */
  readonly backend: string;
  /** Versions of the packages that compute, by package name. */
  readonly versions: Readonly<Record<string, string>>;
}

/**
 * Incremental decoding with a key/value cache: tokens appended call after call share the cache, so each new
 * token costs one pass over the weights plus attention over the cached positions, not a recompute of the
 * context. A session holds at most the model's `contextLength` tokens (positions are absolute); `reset`
 * empties it. Logits are float32 over the vocabulary.
 *
 * Invariant: after appending `ids` one by one or all at once, the logits equal those of `EngineModel.forward`
 * on the same ids, to float32 rounding.
 */
export interface DecodingSession {
  /** Tokens held (the position the next token takes). */
  readonly length: number;
  /** Feeds `ids` after the tokens held; returns the logits that follow the last of them. */
  append(ids: readonly number[]): Promise<Float32Array>;
  reset(): void;
}

/** One part of what training a model holds in memory, with the config key that drives it most. */
export interface MemoryPart {
  /** e.g. `weights`, `optimizer state`, `activations`, `logits`. */
  readonly what: string;
  readonly bytes: number;
  /** The key to lower to shrink this part, e.g. `training.tfjs.dModel` or `training.batchSize`. */
  readonly key: string;
}

/** An engine's upper estimate of a training run's memory, made before anything is allocated. */
export interface MemoryEstimate {
  /** Peak bytes: the sum of `parts`. */
  readonly bytes: number;
  /** Largest first. */
  readonly parts: readonly MemoryPart[];
  /** The most the engine can hold at all (a WebAssembly heap's 4 GiB), when it has such a bound. */
  readonly limit?: {readonly bytes: number; readonly why: string};
  /** The largest single buffer it will allocate; a platform caps those too. */
  readonly largestBuffer?: MemoryPart;
}

/** Ids of the tokenizer's special tokens by role, recorded in an exported model's config. */
export interface SpecialTokenIds {
  readonly bos?: number;
  readonly eos?: number;
  readonly pad?: number;
}

/** What to export: one of the model's `exportFormats`. */
export interface ModelExportRequest {
  readonly format: string;
  readonly tokens: SpecialTokenIds;
}

/** One file of a model export, named relative to the export directory (no `/`, no leading dot). */
export interface ExportedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * A model with weights and no optimizer: what evaluation (and inference) loads a checkpoint into.
 *
 * Optional capabilities (forward logits, incremental decoding, export) are optional members; callers check
 * them with `requireCapability`, so an engine that lacks one fails with a one-line error naming it instead
 * of breaking. Engines written before a capability existed keep loading.
 */
export interface EngineModel {
  /** Number of trainable scalars. */
  readonly parameterCount: number;
  /** Mean next-token cross-entropy (nats) of a batch, with stochastic layers off. Changes no state. */
  evaluate(batch: TokenBatch): Promise<number>;
  /** Copies of every weight, sorted by name. */
  getWeights(): Promise<NamedTensor[]>;
  /** Replaces every weight; names, shapes and sizes must match exactly, or `E_WEIGHTS` naming the tensor. */
  setWeights(weights: readonly NamedTensor[]): Promise<void>;
  /** Releases the model's memory (and any thread or process it runs on); the host awaits it. */
  dispose(): void | Promise<void>;
  /**
   * Optional capability (generation): the logits that follow the last of `ids` (at most the spec's
   * `contextLength` tokens), by a full forward pass with stochastic layers off. The reference that
   * `createDecoder` must agree with.
   */
  forward?(ids: readonly number[]): Promise<Float32Array>;
  /** Optional capability (generation): a new incremental decoding session over the current weights. */
  createDecoder?(): Promise<DecodingSession>;
  /** Optional capability (export): the formats `exportModel` writes, e.g. `hf` and `onnx`. */
  readonly exportFormats?: readonly string[];
  /** Optional capability (export): the model's files in `request.format`, from the current weights. */
  exportModel?(request: ModelExportRequest): Promise<ExportedFile[]>;
}

/** A model with its optimizer, as the training runner drives it. */
export interface TrainableModel extends EngineModel {
  /**
   * One update from `microBatches`: gradients of each micro-batch, averaged, clipped, then applied at learning
   * rate `lr`. `step` is the 1-based number of this update. A non-finite loss or gradient norm is reported and
   * the update not applied.
   */
  trainStep(microBatches: readonly TokenBatch[], step: number, lr: number): Promise<StepOutcome>;
  /** Names of weights or gradients holding NaN or ±Inf after the last step, for the error message; empty when all are finite. */
  nonFiniteTensors(): Promise<string[]>;
  /** A copy of the optimizer's state: step, hyper-parameters and slots as named raw float32 tensors. */
  getOptimizerState(): Promise<OptimizerState>;
  setOptimizerState(state: OptimizerState): Promise<void>;
}

/**
 * A training engine: builds language models over token ids and trains them with an optimizer of its own
 * kind. The host owns the loop, the data, the learning-rate schedule and the files; the engine owns tensors.
 * Selected by `training.engine`; its create options are its own config block.
 *
 * Invariants (checked by `trainingEngineConformance`):
 * - Seeded: two models created from the same spec train to bitwise identical losses and weights on the same
 *   batches; different seeds give different initial weights.
 * - Exact resume: weights and optimizer state copied out with `getWeights`/`getOptimizerState` and restored
 *   into a fresh trainable model of the same spec make its next step bitwise identical to the original's.
 *   Everything a step computes follows from the spec, the weights, the optimizer state, the batches and
 *   `step` (dropout masks derive from the seed and the step, never from hidden state).
 * - Weights of another shape are refused: `setWeights` with a tensor missing, unknown or of another size
 *   throws `E_WEIGHTS` naming it, and leaves the model as it was.
 * - Evaluation changes nothing: `evaluate` leaves weights and optimizer state bitwise as they were and
 *   returns the same loss when repeated; a model created without an optimizer scores like a trainable one
 *   holding the same weights.
 * - Micro-batches are averaged: a step over `[a, a]` equals a step over `[a]` (stochastic layers off).
 * - Weights round trip: `getWeights` returns sorted, uniquely named copies whose shapes match their data;
 *   `setWeights` of another model's weights reproduces its losses; `parameterCount` counts their values.
 * - Training learns: a few steps on a repetitive sequence lower its loss.
 * - Optimizers of another engine are refused: `createTrainableModel` throws, naming the optimizer, when
 *   `setup.optimizer.engine` is not this engine's name.
 * - `description.engine` is `name`, and every version is a string.
 */
export interface TrainingEngine {
  /** The name the engine is registered under, which optimizers name in `OptimizerFactory.engine`. */
  readonly name: string;
  readonly description: EngineDescription;
  /** A model with initial weights from `spec.seed` and no optimizer (evaluation, inference). */
  createModel(spec: ModelSpec): Promise<EngineModel>;
  /** A model with initial weights from `spec.seed` and a fresh optimizer from `setup`, ready to train. */
  createTrainableModel(spec: ModelSpec, setup: TrainingSetup): Promise<TrainableModel>;
  /**
   * Optional capability (limits): what training `spec` on batches of `batchSize` rows of `spec.contextLength`
   * tokens would hold in memory, without allocating anything. The host refuses a run that cannot fit before
   * any work, naming the estimate and the key to change.
   */
  estimateMemory?(spec: ModelSpec, batch: {readonly batchSize: number}): MemoryEstimate;
}
