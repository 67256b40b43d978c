import {CodexError, ExitCode} from '@codex-ml/core';
import type {ConfigLookup} from './training-options.js';

/**
 * Learning rate as a pure function of the update index, so a resumed run needs no schedule state.
 *
 * Schedules live with the runner, not in engines: the rate is the same function of (step, run length, config)
 * whatever computes the gradients; the runner alone knows the run length, which a resume may extend
 * (`training.steps`), and writes the rate into every metrics line; and an engine (a third party's included)
 * then only applies the `lr` it is handed, as optimizers already do.
 */
export interface LearningRateSchedule {
  readonly type: string;
  /** Rate for the update with 0-based index `step`. */
  at(step: number): number;
}

/** The same rate at every step. */
export class ConstantSchedule implements LearningRateSchedule {
  readonly type = 'constant';
  constructor(readonly learningRate: number) {
    checkRate('learningRate', learningRate);
  }
  at(): number {
    return this.learningRate;
  }
}

/**
 * Linear warm-up from lr/warmupSteps to lr over `warmupSteps` updates, then a half cosine from lr down to
 * `minLearningRate` at `totalSteps`, constant after.
 */
export class WarmupCosineSchedule implements LearningRateSchedule {
  readonly type = 'warmup-cosine';
  constructor(
    readonly learningRate: number,
    readonly warmupSteps: number,
    readonly totalSteps: number,
    readonly minLearningRate = 0,
  ) {
    checkRate('learningRate', learningRate);
    if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
      throw new CodexError('E_CONFIG', `training.schedule.minLearningRate must be in [0, learningRate], got ${minLearningRate}`, {
        hint: 'lower training.schedule.minLearningRate',
        exitCode: ExitCode.config,
      });
    }
    if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || !Number.isInteger(totalSteps) || totalSteps < 1) {
      throw new CodexError('E_CONFIG', `schedule steps must be integers (warm-up ${warmupSteps} >= 0, total ${totalSteps} >= 1)`, {
        hint: 'fix training.schedule.warmupSteps',
        exitCode: ExitCode.config,
      });
    }
  }

  at(step: number): number {
    if (step < this.warmupSteps) return (this.learningRate * (step + 1)) / this.warmupSteps;
    const span = this.totalSteps - this.warmupSteps;
    if (span <= 0 || step >= this.totalSteps) return this.minLearningRate;
    const progress = (step - this.warmupSteps) / span;
    return this.minLearningRate + 0.5 * (this.learningRate - this.minLearningRate) * (1 + Math.cos(Math.PI * progress));
  }
}

/** Settings of `training.schedule.*` plus the peak rate and the run length. */
export interface ScheduleSettings {
  readonly name: string;
  readonly learningRate: number;
  readonly warmupSteps?: number;
  readonly minLearningRate?: number;
  readonly totalSteps: number;
}

/** The schedule of a run of `totalSteps` updates, from `training.schedule.*` and the peak `training.optimizer.learningRate`. */
export function scheduleFor(get: ConfigLookup, totalSteps: number): LearningRateSchedule {
  return createSchedule({
    name: get<string>('training.schedule.name'),
    learningRate: get<number>('training.optimizer.learningRate'),
    warmupSteps: get<number>('training.schedule.warmupSteps'),
    minLearningRate: get<number>('training.schedule.minLearningRate'),
    totalSteps,
  });
}

/** Builds the schedule `training.schedule.name` selects. */
export function createSchedule(settings: ScheduleSettings): LearningRateSchedule {
  if (settings.name === 'constant') return new ConstantSchedule(settings.learningRate);
  if (settings.name === 'warmup-cosine') {
    return new WarmupCosineSchedule(settings.learningRate, settings.warmupSteps ?? 0, settings.totalSteps, settings.minLearningRate ?? 0);
  }
  throw new CodexError('E_CONFIG', `training.schedule.name: unknown schedule "${settings.name}"`, {
    hint: 'choose constant or warmup-cosine',
    exitCode: ExitCode.config,
  });
}

function checkRate(key: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new CodexError('E_CONFIG', `training.optimizer.${key} must be a positive number, got ${value}`, {
      hint: `fix training.optimizer.${key}`,
      exitCode: ExitCode.config,
    });
  }
}
