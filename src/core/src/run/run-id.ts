import {decodeTime, isValid, monotonicFactory} from 'ulid';
import {CodexError, ExitCode} from '../errors.js';

// Monotonic so that ids made in the same millisecond still sort in creation order.
const nextUlid = monotonicFactory();

/** A new run id: a ULID, 26 Crockford base32 characters, sorting by creation time. */
export function newRunId(): string {
  return nextUlid();
}

const RUN_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function isRunId(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID_PATTERN.test(value) && isValid(value);
}

/** Throws a one-line error when `value` is not a run id; `what` names where it came from. */
export function assertRunId(value: unknown, what: string): string {
  if (!isRunId(value)) {
    throw new CodexError('E_RUN_ID', `${what}: ${JSON.stringify(value)} is not a run id (a 26-character ULID)`, {
      hint: 'codex runs:list shows run ids',
      exitCode: ExitCode.input,
    });
  }
  return value;
}

/** Creation time of a run, from its id. */
export function runIdTime(runId: string): Date {
  return new Date(decodeTime(runId));
}
