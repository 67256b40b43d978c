import type {Manifest} from '../contracts/manifest-store.js';
import {CodexError, ExitCode} from '../errors.js';
import {isRunId} from '../run/run-id.js';

const DAMAGED_HINT = 'the manifest was edited or damaged; re-create the run or restore the store from a backup';

/** The one-line `E_MANIFEST` error for a manifest that cannot be used; `where` names the run (and the store). */
export function manifestError(where: string, problem: string, hint = DAMAGED_HINT): CodexError {
  return new CodexError('E_MANIFEST', `${where}: ${problem}`, {hint, exitCode: ExitCode.integrity});
}

/**
 * Checks the header every manifest carries (`ManifestHeader`) and returns the value typed as a Manifest: every
 * store checks what it writes and what it reads with this one function, so they accept and refuse the same
 * manifests. Kind-specific fields are the concern of their readers.
 */
export function checkManifestHeader(value: unknown, where: string, hint = DAMAGED_HINT): Manifest {
  const problem = headerProblem(value);
  if (problem !== undefined) throw manifestError(where, problem, hint);
  return value as Manifest;
}

function headerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the manifest is not a JSON object';
  const {schemaVersion, kind, runId, parents, createdAt} = value as Record<string, unknown>;
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    return `schemaVersion ${JSON.stringify(schemaVersion)} is not a positive integer`;
  }
  if (typeof kind !== 'string' || kind === '') return `kind ${JSON.stringify(kind)} is not a non-empty string`;
  if (!isRunId(runId)) return `runId ${JSON.stringify(runId)} is not a run id (a 26-character ULID)`;
  if (!Array.isArray(parents)) return 'parents is not a list of run ids';
  const badParent = parents.find((parent) => !isRunId(parent));
  if (badParent !== undefined) return `parent ${JSON.stringify(badParent)} is not a run id`;
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    return `createdAt ${JSON.stringify(createdAt)} is not an ISO-8601 time`;
  }
  return undefined;
}

/** Dataset ids a manifest records, from `datasetId` then `datasetIds`, first-seen order, without repeats. */
export function datasetIdsOf(manifest: Manifest): string[] {
  const ids: string[] = [];
  const single = manifest['datasetId'];
  if (typeof single === 'string') ids.push(single);
  const many = manifest['datasetIds'];
  if (Array.isArray(many)) for (const id of many) if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
  return ids;
}
