import {CodexError, ExitCode} from '../errors.js';

/** Names what is missing in the error `requireCapability` throws. */
export interface CapabilityRequest {
  /** The backend, as users select it, e.g. `training engine "bigram"`. */
  readonly subject: string;
  /** What the caller wanted to do, e.g. `decode incrementally`. */
  readonly capability: string;
  /** The config key that selected the backend, for the hint. */
  readonly configKey: string;
}

/**
 * Checks that a backend implements an optional member of its contract. Contracts grow by optional members so
 * that backends written before a capability existed keep loading; a caller that needs one asks here and gets
 * a one-line error naming the backend and the capability rather than a `TypeError` deep inside a command.
 */
export function requireCapability<T extends object, K extends keyof T>(
  backend: T,
  member: K,
  request: CapabilityRequest,
): asserts backend is T & Required<Pick<T, K>> {
  if (backend[member] !== undefined && backend[member] !== null) return;
  throw new CodexError('E_CAPABILITY', `${request.subject} cannot ${request.capability}: it has no ${String(member)}()`, {
    hint: `choose a ${request.configKey} whose backend supports it, or upgrade the plugin that provides it`,
    exitCode: ExitCode.config,
  });
}
