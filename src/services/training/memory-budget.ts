import {constants} from 'node:buffer';
import {totalmem} from 'node:os';
import {CodexError, ExitCode, type MemoryPart, type ModelSpec, type TrainingEngine} from '@codex-ml/core';

/**
 * Refuses, before anything is allocated, a model and batch the engine estimates cannot fit: more than the
 * engine can hold at all, more than this machine's memory, or one buffer larger than the platform allows.
 * The message gives the estimate, its largest parts and the key to lower. Engines without the estimate
 * capability are not checked.
 */
export function assertFitsInMemory(engine: TrainingEngine, spec: ModelSpec, batchSize: number, machine = totalmem()): void {
  const estimate = engine.estimateMemory?.(spec, {batchSize});
  if (estimate === undefined) return;
  const [largest] = estimate.parts;
  const limit =
    estimate.limit && estimate.limit.bytes < machine ? estimate.limit : {bytes: machine, why: `this machine's ${bytes(machine)} of memory`};
  if (largest && estimate.bytes > limit.bytes) {
    const parts = estimate.parts
      .slice(0, 3)
      .map((part) => `${part.what} ${bytes(part.bytes)}`)
      .join(', ');
    throw new CodexError(
      'E_MEMORY',
      `training would need about ${bytes(estimate.bytes)} (${parts}), more than ${limit.why}; nothing was allocated`,
      {hint: lowerHint(largest), exitCode: ExitCode.config},
    );
  }
  const buffer = estimate.largestBuffer;
  if (buffer && buffer.bytes > constants.MAX_LENGTH) {
    throw new CodexError(
      'E_MEMORY',
      `${buffer.what} would be one buffer of ${bytes(buffer.bytes)}, larger than the ${bytes(constants.MAX_LENGTH)} a buffer can be; nothing was allocated`,
      {hint: lowerHint(buffer), exitCode: ExitCode.config},
    );
  }
}

function lowerHint(part: MemoryPart): string {
  return `lower ${part.key} (${part.what} is the largest part)`;
}

function bytes(count: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
