import {CodexError, ExitCode, type Manifest, isRunId} from '@codex-ml/core';

/**
 * Checks the fields every manifest carries and returns it typed; `where` starts the one-line message
 * (`run <ULID>: <file>` for stored manifests). Kind-specific fields are the concern of their readers.
 */
export function checkManifestHeader(value: unknown, where: string, hint: string): Manifest {
  const fail = (problem: string) => new CodexError('E_MANIFEST', `${where}: ${problem}`, {hint, exitCode: ExitCode.integrity});
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('the manifest is not a JSON object');
  const manifest = value as Record<string, unknown>;
  const {schemaVersion, kind, runId, parents, createdAt} = manifest;
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw fail(`schemaVersion ${JSON.stringify(schemaVersion)} is not a positive integer`);
  }
  if (typeof kind !== 'string' || kind === '') throw fail(`kind ${JSON.stringify(kind)} is not a non-empty string`);
  if (!isRunId(runId)) throw fail(`runId ${JSON.stringify(runId)} is not a run id (a 26-character ULID)`);
  if (!Array.isArray(parents)) throw fail('parents is not a list of run ids');
  const badParent = parents.find((parent) => !isRunId(parent));
  if (badParent !== undefined) throw fail(`parent ${JSON.stringify(badParent)} is not a run id`);
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    throw fail(`createdAt ${JSON.stringify(createdAt)} is not an ISO-8601 time`);
  }
  return manifest as Manifest;
}

/** Dataset ids a manifest records, from `datasetId` and `datasetIds`, first-seen order, without repeats. */
export function datasetIdsOf(manifest: Manifest): string[] {
  const ids: string[] = [];
  const single = manifest['datasetId'];
  if (typeof single === 'string') ids.push(single);
  const many = manifest['datasetIds'];
  if (Array.isArray(many)) for (const id of many) if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
  return ids;
}
