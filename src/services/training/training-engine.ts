import type {OptimizerState} from '@codex-ml/core';
import type {TokenBatch} from './batch-sampler.js';
import type {NamedTensor} from './checkpoint-store.js';
import type {InferenceModel} from '../generation/inference-model.js';

/** What one optimizer update reports. */
export interface StepOutcome {
  /** Mean cross-entropy over the step's tokens (all micro-batches). */
  readonly loss: number;
  /** Global L2 norm of the gradient before clipping. */
  readonly gradNorm: number;
}

/**
 * A model with its optimizer, as the runner drives it. The runner owns the loop, the data and the files; the
 * engine owns tensors. Everything a step computes must follow from the weights, the optimizer state, the
 * batches and `step` (dropout masks are derived from the seed and the step), which is what makes resume exact.
 */
export interface TrainableModel {
  readonly parameterCount: number;
  /** Names of the parameters, sorted; used to name a tensor that turned non-finite. */
  readonly parameterNames: readonly string[];
  /** One update from `microBatches` (gradients averaged over them), at learning rate `lr`. */
  trainStep(microBatches: readonly TokenBatch[], step: number, lr: number): StepOutcome;
  /** Names of parameters or gradients holding NaN or ±Inf after the last step (empty when all are finite). */
  nonFiniteTensors(): string[];
  /** Mean cross-entropy of a batch with dropout off; no state changes. */
  evaluate(batch: TokenBatch): number;
  getWeights(): NamedTensor[];
  setWeights(weights: readonly NamedTensor[]): void;
  getOptimizerState(): OptimizerState;
  setOptimizerState(state: OptimizerState): void;
  dispose(): void;
}

/** Versions and backend recorded in the config snapshot. */
export interface EngineDescription {
  readonly backend: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** Builds models for a run; reached lazily so that commands that do not train never load a tensor library. */
export interface TrainingEngine {
  readonly description: EngineDescription;
  /** Learning rate of update number `step` (1-based) out of `totalSteps`. */
  learningRate(step: number, totalSteps: number): number;
  createModel(vocabSize: number): Promise<TrainableModel>;
  /** Optional: trained weights loaded for generation. Engines without it cannot generate. */
  loadInference?(vocabSize: number, weights: readonly NamedTensor[]): Promise<InferenceModel>;
  /** Optional: the export formats this engine writes (`hf`, `onnx`, …) and the writer. */
  readonly exportFormats?: readonly string[];
  exportModel?(request: ModelExportRequest): Promise<readonly ExportedFile[]>;
  dispose(): void;
}

/** Ids of the tokenizer's special tokens, by role, for the exported model's config. */
export interface SpecialTokenIds {
  readonly bos?: number;
  readonly eos?: number;
  readonly pad?: number;
}

export interface ModelExportRequest {
  /** One of `exportFormats`. */
  readonly format: string;
  readonly vocabSize: number;
  readonly weights: readonly NamedTensor[];
  readonly tokens: SpecialTokenIds;
}

/** One file of a model export, named relative to the export directory. */
export interface ExportedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}
