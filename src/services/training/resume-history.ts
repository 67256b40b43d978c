import {readFile, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {type Checksum, CodexError, ExitCode, errnoCode, fileError, writeFileAtomic} from '@codex-ml/core';
import {RUN_MANIFEST_FILE} from '../runs/run-manifest-recorder.js';
import {CheckpointStore} from './checkpoint-store.js';
import type {ConfigSnapshot} from './config-snapshot.js';
import {readMetrics} from './metrics-log.js';

/**
 * What a resume may do to a run's history: add to it, never take from it. A run's target (`totalSteps`) only
 * grows, its checkpoints and metrics are only appended (what a killed run wrote past its last checkpoint was
 * never committed and is recomputed identically), and `config.snapshot` is never rewritten to a shorter run.
 * Anything else — a shorter run, or continuing from a checkpoint older than the newest — becomes a new run on
 * request (`--fork`), which leaves the original as it is.
 */

/** Where a resume starts, as `locateResume` found it. */
export interface ResumePoint {
  readonly runId: string;
  readonly runPath: string;
  readonly snapshot: ConfigSnapshot;
  readonly atOrBefore?: number;
}

/** The outcome a finished run recorded in its manifest. */
export interface FinishedRun {
  readonly steps: number;
  readonly finalLoss: number | null;
  readonly finalValLoss: number | null;
  readonly stoppedEarly: boolean;
  /** Checkpoint directories the manifest lists as artifacts. */
  readonly checkpoints: ReadonlySet<string>;
}

/** Refuses, before anything of the run changes, a resume that would shorten it or drop later checkpoints. */
export async function assertResumeKeepsHistory(point: ResumePoint, totalSteps: number, fork: boolean): Promise<void> {
  if (fork) return;
  const target = point.snapshot.inputs.totalSteps;
  if (totalSteps < target) {
    throw new CodexError(
      'E_RESUME',
      `run ${point.runId} is set to ${target} steps; resuming it with ${totalSteps} would shorten it and rewrite its history`,
      {
        hint: `a run is only ever extended: set training.steps to ${target} or more, or add --fork to start a new run from it`,
        exitCode: ExitCode.usage,
      },
    );
  }
  if (point.atOrBefore === undefined) return;
  const newest = await newestCheckpointStep(point.runPath);
  if (newest !== undefined && newest > point.atOrBefore) {
    throw new CodexError(
      'E_RESUME',
      `${CheckpointStore.nameOf(point.atOrBefore)} is not the newest checkpoint of run ${point.runId} (${CheckpointStore.nameOf(newest)} is); continuing from it would discard the later ones`,
      {
        hint: `resume the run itself (codex train --resume ${point.runPath}), or add --fork to start a new run from that checkpoint`,
        exitCode: ExitCode.usage,
      },
    );
  }
}

/** A run already finished with these settings, or stopped early, cannot be continued; undefined: continue it. */
export function finishedOutcome(
  point: ResumePoint,
  finished: FinishedRun | undefined,
  reached: number | null,
  totalSteps: number,
): FinishedRun | undefined {
  if (finished === undefined || reached === null || reached < finished.steps) return undefined;
  if (finished.stoppedEarly && totalSteps > point.snapshot.inputs.totalSteps) {
    throw new CodexError('E_RESUME', `run ${point.runId} stopped early at step ${finished.steps}; it cannot be continued past that`, {
      hint: 'add --fork to start a new run from its last checkpoint, or start a new run',
      exitCode: ExitCode.usage,
    });
  }
  return finished.stoppedEarly || reached >= totalSteps ? finished : undefined;
}

/** The outcome a run's manifest records; undefined while the run is unfinished (no manifest yet). */
export async function readFinishedRun(runPath: string): Promise<FinishedRun | undefined> {
  const path = join(runPath, RUN_MANIFEST_FILE);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw new CodexError('E_RESUME', `${path} cannot be read as the run's manifest`, {
      hint: 'restore it from a backup, or add --fork to start a new run from the run’s checkpoints',
      exitCode: ExitCode.integrity,
      cause: error,
    });
  }
  const number = (key: string): number | null => (typeof manifest[key] === 'number' ? (manifest[key] as number) : null);
  const artifacts = Array.isArray(manifest['artifacts']) ? (manifest['artifacts'] as {path?: unknown}[]) : [];
  const checkpoints = new Set<string>();
  for (const artifact of artifacts) {
    const match = typeof artifact.path === 'string' ? /^checkpoints\/(step-\d{9})\//.exec(artifact.path) : null;
    if (match) checkpoints.add(match[1] as string);
  }
  return {
    steps: number('steps') ?? 0,
    finalLoss: number('finalLoss'),
    finalValLoss: number('finalValLoss'),
    stoppedEarly: manifest['stoppedEarly'] === true,
    checkpoints,
  };
}

/** The snapshot of a continued run: its new target and config, and this resume appended to its history. */
export function continuedSnapshot(
  previous: ConfigSnapshot,
  change: {
    readonly config: Readonly<Record<string, unknown>>;
    readonly configDigest: Checksum;
    readonly totalSteps: number;
    readonly fromStep: number | null;
  },
): ConfigSnapshot {
  const changed = change.configDigest !== previous.configDigest || change.totalSteps !== previous.inputs.totalSteps;
  return {
    ...previous,
    configDigest: change.configDigest,
    inputs: {...previous.inputs, totalSteps: change.totalSteps},
    config: change.config,
    ...(changed
      ? {resumes: [...(previous.resumes ?? []), {at: new Date().toISOString(), fromStep: change.fromStep, totalSteps: change.totalSteps}]}
      : {}),
  };
}

/** The snapshot of a run forked from another run's checkpoint. */
export function forkedSnapshot(
  source: ConfigSnapshot,
  fork: {
    readonly runId: string;
    readonly step: number;
    readonly config: Readonly<Record<string, unknown>>;
    readonly configDigest: Checksum;
    readonly totalSteps: number;
  },
): ConfigSnapshot {
  const {resumes: _history, ...rest} = source;
  return {
    ...rest,
    runId: fork.runId,
    createdAt: new Date().toISOString(),
    configDigest: fork.configDigest,
    inputs: {...source.inputs, totalSteps: fork.totalSteps},
    config: fork.config,
    forkedFrom: {runId: source.runId, step: fork.step},
  };
}

/** Copies the metrics lines of steps up to `step` into a new run's metrics file. */
export async function copyMetricsThrough(from: string, to: string, step: number): Promise<void> {
  const lines = (await readMetrics(from, {tolerateTornLine: true})).filter((line) => line.step <= step);
  await writeFileAtomic(to, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

async function newestCheckpointStep(runPath: string): Promise<number | undefined> {
  const directory = join(runPath, 'checkpoints');
  const names = await readdir(directory).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return [] as string[];
    throw fileError(directory, error, 'list');
  });
  const steps = names.flatMap((name) => {
    const match = /^step-(\d{9})$/.exec(name);
    return match ? [Number(match[1])] : [];
  });
  return steps.length > 0 ? Math.max(...steps) : undefined;
}
