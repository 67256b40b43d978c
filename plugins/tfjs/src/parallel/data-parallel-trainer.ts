import {availableParallelism} from 'node:os';
import {Worker} from 'node:worker_threads';
import {CodexError, ExitCode, type Optimizer, type TokenBatch} from '@codex-ml/core';
import type * as tf from '@tensorflow/tfjs';
import type {TfBackendName} from '../backend-loader.js';
import type {GptModel} from '../gpt-model.js';
import {type TrainStepResult, trainStep} from '../train-step.js';
import {weightedLoss} from './chunk-reduction.js';
import {type GradientChunk, gradientChunks} from './gradient-chunks.js';
import {ParameterLayout} from './parameter-layout.js';
import {applySummedGradient} from './summed-gradient-update.js';
import {type ChunkMessage, Control, type StepMessage, type WorkerMessage, type WorkerSetup} from './worker-protocol.js';

export interface DataParallelOptions {
  /** Threads computing gradients; 0: one per core. Never more than a step has chunks. 1: no worker threads. */
  readonly workers: number;
  readonly clipNorm: number;
  /** The TensorFlow.js backend each worker loads (the coordinator's). */
  readonly backend: TfBackendName;
}

/**
 * Data-parallel training steps. Each worker thread holds a replica of the model; a step's chunks
 * (`gradientChunks`, fixed by the batch alone) are dealt round-robin, each worker computes its chunks' gradients
 * and adds each parameter's to one shared sum when every chunk before it has added that parameter — so each
 * parameter is summed in chunk order, exactly as `trainStep` sums it on one thread, while a worker may add one
 * parameter as another adds the next. The optimizer then steps once, here, on the coordinator's model, and the
 * new weights go back to the workers through shared memory. Results are bitwise the same for any number of
 * workers.
 *
 * A worker that fails (an exception, or its thread ending) fails the step with one error naming it; the other
 * workers are stopped, and nothing of the step is applied.
 */
export class DataParallelTrainer {
  readonly #model: GptModel;
  readonly #optimizer: Optimizer<tf.Variable, tf.Tensor>;
  readonly #options: DataParallelOptions;
  readonly #layout: ParameterLayout;
  readonly #weights: SharedArrayBuffer;
  readonly #control: Int32Array;
  #sum: SharedArrayBuffer;
  #losses = new SharedArrayBuffer(8);
  #workers: GradientWorker[] = [];
  #weightsVersion = 0;
  #weightsPublished = false;
  #failure: CodexError | undefined;

  constructor(model: GptModel, optimizer: Optimizer<tf.Variable, tf.Tensor>, options: DataParallelOptions) {
    this.#model = model;
    this.#optimizer = optimizer;
    this.#options = options;
    this.#layout = new ParameterLayout(model.params);
    this.#weights = new SharedArrayBuffer(this.#layout.total * 4);
    this.#sum = new SharedArrayBuffer(this.#layout.total * 4);
    this.#control = new Int32Array(new SharedArrayBuffer(Control.slots(this.#layout.names.length) * 4));
  }

  /** Worker threads a step over `chunks` chunks uses (1: the step runs on this thread). */
  threadsFor(chunks: number): number {
    const requested = this.#options.workers > 0 ? this.#options.workers : availableParallelism();
    return Math.max(1, Math.min(requested, chunks));
  }

  /** One update from `microBatches`; `step` is the host's 1-based step number (used in messages only). */
  async step(microBatches: readonly TokenBatch[], step: number, lr: number): Promise<TrainStepResult> {
    if (this.#failure) throw this.#failure;
    const chunks = gradientChunks(microBatches, this.#optimizer.step);
    const threads = this.threadsFor(chunks.length);
    if (threads === 1 && this.#workers.length === 0) {
      this.#weightsPublished = false;
      return trainStep(this.#model, this.#optimizer, microBatches, {lr, clipNorm: this.#options.clipNorm});
    }
    await this.#start(threads);
    const workers = this.#workers;
    this.#publishWeights();
    if (this.#losses.byteLength < chunks.length * 8) this.#losses = new SharedArrayBuffer(chunks.length * 8);
    for (let slot = 0; slot < this.#control.length; slot++) Atomics.store(this.#control, slot, 0);
    try {
      await Promise.all(
        workers.map((worker, w) =>
          worker.run(
            {
              type: 'step',
              step,
              weightsVersion: this.#weightsVersion,
              sum: this.#sum,
              losses: this.#losses,
              chunks: chunks.filter((chunk) => chunk.index % workers.length === w).map(chunkMessage),
            },
            step,
          ),
        ),
      );
    } catch (error) {
      this.#failure = error instanceof CodexError ? error : new CodexError('E_WORKER', String(error), {exitCode: ExitCode.failure});
      Atomics.store(this.#control, Control.abort, 1);
      for (let slot = Control.turns; slot < this.#control.length; slot++) Atomics.notify(this.#control, slot);
      await this.dispose();
      throw this.#failure;
    }
    // Each parameter's last release orders every write to it (and to the losses before it) before these reads.
    for (let slot = Control.turns; slot < this.#control.length; slot++) {
      if (Atomics.load(this.#control, slot) !== chunks.length) throw new Error('gradient workers left chunks unsummed');
    }
    const loss = weightedLoss(
      new Float64Array(this.#losses, 0, chunks.length),
      chunks.map((chunk) => chunk.weight),
    );
    const sum = new Float32Array(this.#sum);
    const {gradNorm, finite} = applySummedGradient(this.#model, this.#optimizer, this.#layout, sum, loss, {
      lr,
      clipNorm: this.#options.clipNorm,
    });
    if (finite) this.#weightsPublished = false;
    return {loss, gradNorm, tokens: microBatches.reduce((total, batch) => total + batch.batchSize * batch.length, 0), finite};
  }

  /** The coordinator's weights were replaced (a resumed checkpoint): workers reload them before the next step. */
  weightsChanged(): void {
    this.#weightsPublished = false;
  }

  /** Stops every worker thread. */
  async dispose(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  async #start(threads: number): Promise<void> {
    if (this.#workers.length > 0) return;
    const workers: GradientWorker[] = [];
    for (let index = 0; index < threads; index++) {
      workers.push(
        new GradientWorker({
          backend: this.#options.backend,
          config: this.#model.config,
          index,
          count: threads,
          weights: this.#weights,
          control: this.#control.buffer as SharedArrayBuffer,
        }),
      );
    }
    this.#workers = workers;
    try {
      await Promise.all(workers.map((worker) => worker.ready));
    } catch (error) {
      await this.dispose();
      throw error;
    }
  }

  #publishWeights(): void {
    if (this.#weightsPublished) return;
    this.#layout.readWeights(this.#model, new Float32Array(this.#weights));
    this.#weightsVersion++;
    this.#weightsPublished = true;
  }
}

function chunkMessage(chunk: GradientChunk): ChunkMessage {
  return {
    index: chunk.index,
    batchSize: chunk.batch.batchSize,
    length: chunk.batch.length,
    contexts: chunk.batch.contexts.slice(),
    targets: chunk.batch.targets.slice(),
    weight: chunk.weight,
    dropoutSeed: chunk.dropoutSeed,
  };
}

/** One worker thread and the step it is running, if any. */
class GradientWorker {
  readonly ready: Promise<void>;
  readonly #thread: Worker;
  readonly #label: string;
  #pending: {step: number; resolve: () => void; reject: (error: CodexError) => void} | undefined;
  #exited = false;

  constructor(setup: WorkerSetup) {
    this.#label = `gradient worker ${setup.index + 1} of ${setup.count}`;
    this.#thread = new Worker(new URL('./gradient-worker.js', import.meta.url), {workerData: setup});
    this.ready = new Promise<void>((resolve, reject) => {
      this.#pending = {step: 0, resolve, reject};
    });
    // 'ready' ends the start-up, 'done' the step: either way the pending promise resolves.
    this.#thread.on('message', (message: WorkerMessage) => {
      const pending = this.#pending;
      this.#pending = undefined;
      if (message.type === 'ready' || message.type === 'done') pending?.resolve();
    });
    this.#thread.on('error', (error) => this.#fail(firstLine(error)));
    this.#thread.on('exit', (code) => {
      this.#exited = true;
      this.#fail(`its thread exited with code ${code}`);
    });
  }

  run(message: StepMessage, step: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#exited) {
        reject(this.#error(step, 'its thread is not running'));
        return;
      }
      this.#pending = {step, resolve, reject};
      this.#thread.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.#pending = undefined;
    if (!this.#exited) await this.#thread.terminate();
  }

  #fail(reason: string): void {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(this.#error(pending.step, reason));
  }

  #error(step: number, reason: string): CodexError {
    const where = step > 0 ? ` at step ${step}` : ' while starting';
    return new CodexError('E_WORKER', `${this.#label} failed${where}: ${reason}`, {
      hint: 'the last checkpoint is intact: continue with codex train --resume (training.workers=1 trains without worker threads)',
      exitCode: ExitCode.failure,
    });
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
