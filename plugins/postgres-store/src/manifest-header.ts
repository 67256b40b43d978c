import {CodexError, ExitCode, type Manifest, isRunId} from '@codex-ml/core';

/**
 * Checks the header every manifest carries and returns the value typed as a Manifest. `where` names the run
 * (and the store) in the one-line error, so a corrupt entry is reported by the run it belongs to.
 */
export function checkManifestHeader(value: unknown, where: string): Manifest {
  const problem = headerProblem(value);
  if (problem !== undefined) throw manifestError(where, problem);
  return value as Manifest;
}

/** The one-line `E_MANIFEST` error for a stored manifest that cannot be used. */
export function manifestError(where: string, problem: string): CodexError {
  return new CodexError('E_MANIFEST', `${where}: ${problem}`, {
    hint: 'the manifest was edited or damaged; re-create the run or restore the store from a backup',
    exitCode: ExitCode.integrity,
  });
}

function headerProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the manifest is not a JSON object';
  const header = value as Record<string, unknown>;
  if (!Number.isInteger(header['schemaVersion'])) return `schemaVersion ${JSON.stringify(header['schemaVersion'])} is not an integer`;
  if (typeof header['kind'] !== 'string' || header['kind'] === '') return `kind ${JSON.stringify(header['kind'])} is not a name`;
  if (!isRunId(header['runId'])) return `runId ${JSON.stringify(header['runId'])} is not a ULID`;
  const parents = header['parents'];
  if (!Array.isArray(parents) || !parents.every((parent) => typeof parent === 'string')) return 'parents is not a list of run ids';
  if (typeof header['createdAt'] !== 'string') return `createdAt ${JSON.stringify(header['createdAt'])} is not a timestamp`;
  return undefined;
}

/** Dataset ids a manifest records, in `datasetId`, `datasetIds` order, without repeats. */
export function datasetIdsOf(manifest: Manifest): string[] {
  const ids: string[] = [];
  const single = manifest['datasetId'];
  if (typeof single === 'string') ids.push(single);
  const many = manifest['datasetIds'];
  if (Array.isArray(many)) for (const id of many) if (typeof id === 'string') ids.push(id);
  return [...new Set(ids)];
}
