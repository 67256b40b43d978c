import {join, normalize, sep} from 'node:path';
import {type Checksum, CodexError, ExitCode, type Manifest, parseChecksum, type Artifact} from '@codex-ml/core';

/** Directory of a run: `<runsDir>/<runId>`. */
export function runDirectoryOf(runsDir: string, runId: string): string {
  return join(runsDir, runId);
}

/**
 * The artifacts a manifest records, checked: a missing `artifacts` field is an empty list (a run may produce
 * nothing but its manifest); a malformed entry is a one-line `E_MANIFEST` naming the run and the entry.
 */
export function artifactsOf(manifest: Manifest): Artifact[] {
  const value = manifest['artifacts'];
  if (value === undefined) return [];
  const where = `manifest of run ${manifest.runId}`;
  if (!Array.isArray(value)) throw malformed(`${where}: artifacts is not a list`);
  return value.map((entry: unknown, index) => {
    const at = `${where}: artifacts[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw malformed(`${at} is not an object`);
    const {path, checksum, bytes} = entry as Record<string, unknown>;
    if (typeof path !== 'string' || path === '' || !isInside(path)) {
      throw malformed(`${at}.path ${JSON.stringify(path)} is not a path inside the run directory`);
    }
    parseChecksum(checksum, `${at}.checksum`);
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0)
      throw malformed(`${at}.bytes ${JSON.stringify(bytes)} is not a size`);
    return {path, checksum: checksum as Checksum, bytes};
  });
}

function isInside(path: string): boolean {
  const normalized = normalize(path);
  return !normalized.startsWith('/') && normalized !== '..' && !normalized.startsWith(`..${sep}`);
}

function malformed(message: string): CodexError {
  return new CodexError('E_MANIFEST', message, {
    hint: 'the manifest was edited or damaged; re-create the run',
    exitCode: ExitCode.integrity,
  });
}
