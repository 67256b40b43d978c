import type {TfBackendName} from '../backend-loader.js';
import type {GptConfig} from '../gpt-config.js';

/** What a gradient worker is started with (`workerData`). */
export interface WorkerSetup {
  readonly backend: TfBackendName;
  readonly config: GptConfig;
  /** 0-based position among the workers, and their number (for messages and fault injection). */
  readonly index: number;
  readonly count: number;
  /** Current weights, flat in `ParameterLayout` order, written by the coordinator between steps. */
  readonly weights: SharedArrayBuffer;
  /** Int32 slots, see `Control`. */
  readonly control: SharedArrayBuffer;
}

/**
 * Slots of the shared control array: the abort flag, then one turn per parameter (`ParameterLayout` order) —
 * the index of the next chunk whose gradient of that parameter may be added to the sum. Per-parameter turns let
 * a worker add a parameter as soon as the chunk before it has added that parameter, instead of waiting for the
 * whole previous chunk.
 */
export const Control = {
  /** Non-zero once the coordinator gave up on the step (a worker failed): waiting workers stop. */
  abort: 0,
  /** Slot of parameter 0's turn; parameter i's is `turns + i`. */
  turns: 1,
  /** Slots for a model of `parameters` parameters. */
  slots: (parameters: number): number => 1 + parameters,
} as const;

/** One chunk as posted to a worker. */
export interface ChunkMessage {
  readonly index: number;
  readonly batchSize: number;
  readonly length: number;
  readonly contexts: Int32Array;
  readonly targets: Int32Array;
  readonly weight: number;
  readonly dropoutSeed: number;
}

/** Coordinator → worker: compute these chunks (ascending indices) and add them to `sum` in turn. */
export interface StepMessage {
  readonly type: 'step';
  /** The host's 1-based step number (messages, fault injection). */
  readonly step: number;
  /** Changes whenever `weights` was rewritten; the worker reloads its replica then. */
  readonly weightsVersion: number;
  readonly sum: SharedArrayBuffer;
  /** float64 per chunk: its mean loss. */
  readonly losses: SharedArrayBuffer;
  readonly chunks: readonly ChunkMessage[];
}

/** Worker → coordinator. */
export type WorkerMessage = {readonly type: 'ready'} | {readonly type: 'done'};
