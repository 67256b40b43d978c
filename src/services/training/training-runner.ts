import {CodexError, type EngineModel, ExitCode, type TokenBatch, type TrainableModel} from '@codex-ml/core';
import {BatchSampler, type SamplerState, type TokenArray, evaluationBatches} from './batch-sampler.js';
import type {CheckpointContent, CheckpointStore, JsonValue} from './checkpoint-store.js';
import type {EvalMetricsLine, MetricsLog, TrainMetricsLine} from './metrics-log.js';
import type {RunnerOptions} from './training-options.js';

/** What the runner reports after each step, for a progress display. */
export interface TrainingProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
  readonly tokensPerSecond: number;
  /** Seconds left at the current pace. */
  readonly etaSeconds: number;
}

export interface RunnerInputs {
  readonly options: RunnerOptions;
  readonly totalSteps: number;
  readonly model: TrainableModel;
  readonly learningRate: (step: number) => number;
  readonly train: TokenArray;
  readonly val: TokenArray;
  readonly checkpoints: CheckpointStore;
  readonly metrics: MetricsLog;
  /** The checkpoint to continue from, already verified. */
  readonly resume?: CheckpointContent;
  readonly onProgress?: (progress: TrainingProgress) => void;
  readonly onCheckpoint?: (step: number) => void;
}

export interface RunnerResult {
  readonly steps: number;
  readonly finalLoss: number | null;
  readonly finalValLoss: number | null;
  readonly stoppedEarly: boolean;
  readonly lastCheckpointStep: number | null;
}

/** Runner state that is not in the model or optimizer; stored in every checkpoint. */
interface TrainerState {
  sampler: SamplerState;
  tokens: number;
  elapsed: number;
  lastLoss: number | null;
  lastValLoss: number | null;
  bestValLoss: number | null;
  evalsWithoutImprovement: number;
  stoppedEarly: boolean;
}

/**
 * The training loop: sample → update → log → evaluate → checkpoint, in that order within a step, so a
 * checkpoint at step k covers every metrics line of steps ≤ k. All randomness comes from the seed (weights
 * init and dropout inside the engine, batch order in the sampler), and everything else a step depends on is in
 * the checkpoint, so a run resumed from step k writes the same weights and metrics as one never stopped.
 */
export class TrainingRunner {
  async run(inputs: RunnerInputs): Promise<RunnerResult> {
    const {options, model, metrics, checkpoints, totalSteps} = inputs;
    const sampler = new BatchSampler(inputs.train, {
      batchSize: options.batchSize,
      contextLength: options.contextLength,
      seed: options.seed,
    });
    const evalSet = evaluationBatches(inputs.val, {
      batchSize: options.batchSize,
      contextLength: options.contextLength,
      maxBatches: options.evalBatches,
    });
    let step = 0;
    let state: TrainerState = {
      sampler: sampler.state,
      tokens: 0,
      elapsed: 0,
      lastLoss: null,
      lastValLoss: null,
      bestValLoss: null,
      evalsWithoutImprovement: 0,
      stoppedEarly: false,
    };
    let lastCheckpointStep: number | null = null;
    if (inputs.resume) {
      await model.setWeights(inputs.resume.weights);
      await model.setOptimizerState(inputs.resume.optimizer);
      state = decodeTrainerState(inputs.resume.trainer);
      sampler.restore(state.sampler);
      step = inputs.resume.step;
      lastCheckpointStep = step;
    }

    const started = performance.now();
    const tokensAtStart = state.tokens;
    const elapsedAtStart = state.elapsed;
    const elapsed = () => round3(elapsedAtStart + (performance.now() - started) / 1000);
    const rowsPerStep = options.batchSize * options.accumulationSteps;

    while (step < totalSteps && !state.stoppedEarly) {
      const microBatches: TokenBatch[] = [];
      for (let index = 0; index < options.accumulationSteps; index++) microBatches.push(sampler.next());
      const next = step + 1;
      const lr = inputs.learningRate(next);
      const outcome = await model.trainStep(microBatches, next, lr);
      if (!Number.isFinite(outcome.loss) || !Number.isFinite(outcome.gradNorm)) {
        throw nonFinite(next, outcome.loss, outcome.gradNorm, await model.nonFiniteTensors(), lastCheckpointStep);
      }
      step = next;
      state.tokens += rowsPerStep * options.contextLength;
      state.lastLoss = outcome.loss;
      state.sampler = sampler.state;
      state.elapsed = elapsed();
      const seconds = state.elapsed - elapsedAtStart;
      const tokensPerSecond = seconds > 0 ? Math.round((state.tokens - tokensAtStart) / seconds) : 0;

      if (step % options.logInterval === 0 || step === totalSteps) {
        const line: TrainMetricsLine = {
          kind: 'train',
          step,
          epoch: sampler.epoch,
          loss: outcome.loss,
          lr,
          grad_norm: outcome.gradNorm,
          tokens: state.tokens,
          tokens_per_s: tokensPerSecond,
          elapsed: state.elapsed,
        };
        await metrics.append(line);
      }

      if (options.evalInterval > 0 && (step % options.evalInterval === 0 || step === totalSteps)) {
        const valLoss = await evaluate(model, evalSet, step);
        state.lastValLoss = valLoss;
        const line: EvalMetricsLine = {
          kind: 'eval',
          step,
          loss: valLoss,
          perplexity: Math.exp(valLoss),
          tokens: evalSet.reduce((sum, batch) => sum + batch.batchSize * batch.length, 0),
          elapsed: elapsed(),
        };
        await metrics.append(line);
        if (state.bestValLoss === null || valLoss < state.bestValLoss - options.earlyStopping.minDelta) {
          state.bestValLoss = valLoss;
          state.evalsWithoutImprovement = 0;
        } else {
          state.evalsWithoutImprovement++;
          if (options.earlyStopping.patience > 0 && state.evalsWithoutImprovement >= options.earlyStopping.patience)
            state.stoppedEarly = true;
        }
      }

      const due = options.checkpointInterval > 0 && step % options.checkpointInterval === 0;
      if (due || step === totalSteps || state.stoppedEarly) {
        await metrics.sync();
        await checkpoints.write(await snapshot(step, model, state));
        await checkpoints.prune(options.keepLast);
        lastCheckpointStep = step;
        inputs.onCheckpoint?.(step);
      }

      const perStep = seconds / Math.max(1, step - (inputs.resume?.step ?? 0));
      inputs.onProgress?.({step, totalSteps, loss: outcome.loss, tokensPerSecond, etaSeconds: Math.round(perStep * (totalSteps - step))});
    }

    return {
      steps: step,
      finalLoss: state.lastLoss,
      finalValLoss: state.lastValLoss,
      stoppedEarly: state.stoppedEarly,
      lastCheckpointStep,
    };
  }
}

/** Mean loss over every token of `batches` (each batch weighted by its token count). */
export async function meanLoss(model: EngineModel, batches: readonly TokenBatch[]): Promise<{loss: number; tokens: number}> {
  let weighted = 0;
  let tokens = 0;
  for (const batch of batches) {
    const count = batch.batchSize * batch.length;
    weighted += (await model.evaluate(batch)) * count;
    tokens += count;
  }
  return {loss: tokens > 0 ? weighted / tokens : Number.NaN, tokens};
}

async function evaluate(model: EngineModel, batches: readonly TokenBatch[], step: number): Promise<number> {
  const {loss} = await meanLoss(model, batches);
  if (!Number.isFinite(loss)) {
    throw new CodexError('E_NON_FINITE', `step ${step}: the val loss is ${String(loss)}`, {
      hint: 'lower training.optimizer.learningRate or enable training.clipNorm; the last good checkpoint is kept',
      exitCode: ExitCode.failure,
    });
  }
  return loss;
}

async function snapshot(step: number, model: TrainableModel, state: TrainerState): Promise<CheckpointContent> {
  return {step, weights: await model.getWeights(), optimizer: await model.getOptimizerState(), trainer: encodeTrainerState(state)};
}

function encodeTrainerState(state: TrainerState): {readonly [key: string]: JsonValue} {
  return {
    sampler: {...state.sampler, epochRng: [...state.sampler.epochRng]},
    tokens: state.tokens,
    elapsed: state.elapsed,
    lastLoss: state.lastLoss,
    lastValLoss: state.lastValLoss,
    bestValLoss: state.bestValLoss,
    evalsWithoutImprovement: state.evalsWithoutImprovement,
    stoppedEarly: state.stoppedEarly,
  };
}

function decodeTrainerState(value: {readonly [key: string]: JsonValue}): TrainerState {
  const number = (key: string): number => {
    const field = value[key];
    if (typeof field !== 'number') throw invalidState(key);
    return field;
  };
  const nullableNumber = (key: string): number | null => {
    const field = value[key];
    if (field !== null && typeof field !== 'number') throw invalidState(key);
    return field;
  };
  return {
    sampler: decodeSamplerState(value.sampler),
    tokens: number('tokens'),
    elapsed: number('elapsed'),
    lastLoss: nullableNumber('lastLoss'),
    lastValLoss: nullableNumber('lastValLoss'),
    bestValLoss: nullableNumber('bestValLoss'),
    evalsWithoutImprovement: number('evalsWithoutImprovement'),
    stoppedEarly: value.stoppedEarly === true,
  };
}

/** The sampler's fields with their JSON types; `BatchSampler.restore` checks their values. */
function decodeSamplerState(value: JsonValue | undefined): SamplerState {
  if (typeof value !== 'object' || value === null || isJsonArray(value)) throw invalidState('sampler');
  const {type, version, epoch, cursor, epochRng} = value;
  const words = isJsonArray(epochRng) ? epochRng.filter((word): word is number => typeof word === 'number') : [];
  const [a, b, c, d] = words;
  if (
    type !== 'epoch-shuffle' ||
    version !== 1 ||
    typeof epoch !== 'number' ||
    typeof cursor !== 'number' ||
    words.length !== 4 ||
    a === undefined ||
    b === undefined ||
    c === undefined ||
    d === undefined
  ) {
    throw invalidState('sampler');
  }
  return {type, version, epoch, cursor, epochRng: [a, b, c, d]};
}

function isJsonArray(value: JsonValue | undefined): value is readonly JsonValue[] {
  return Array.isArray(value);
}

function invalidState(key: string): CodexError {
  return new CodexError('E_CHECKPOINT', `checkpoint trainer state: "${key}" is missing or invalid`, {
    hint: 'the checkpoint was written by another version; start a new run',
    exitCode: ExitCode.integrity,
  });
}

function nonFinite(step: number, loss: number, gradNorm: number, tensors: readonly string[], lastGood: number | null): CodexError {
  const what = !Number.isFinite(loss) ? `the loss is ${String(loss)}` : `the gradient norm is ${String(gradNorm)}`;
  const named =
    tensors.length > 0
      ? ` (non-finite: ${tensors.slice(0, 3).join(', ')}${tensors.length > 3 ? `, +${tensors.length - 3} more` : ''})`
      : '';
  const kept = lastGood === null ? 'no checkpoint was written yet' : `the last good checkpoint is step ${lastGood}`;
  return new CodexError('E_NON_FINITE', `step ${step}: ${what}${named}; training stopped, ${kept}`, {
    hint: 'lower training.optimizer.learningRate or enable training.clipNorm, then resume from that checkpoint',
    exitCode: ExitCode.failure,
  });
}

/** Milliseconds precision keeps the wall-clock fields short. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
