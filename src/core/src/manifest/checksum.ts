import type {Hasher} from '../contracts/hasher.js';
import {CodexError, ExitCode} from '../errors.js';
import {utf8} from '../text/utf8.js';

/** `<algorithm>:<lowercase hex>`, e.g. `blake3:af13…`. The prefix selects the verifier. */
export type Checksum = `${string}:${string}`;

const CHECKSUM_PATTERN = /^([a-z0-9][a-z0-9-]*):([0-9a-f]+)$/;

export function formatChecksum(algorithm: string, hex: string): Checksum {
  return `${algorithm}:${hex}`;
}

export interface ParsedChecksum {
  readonly algorithm: string;
  readonly hex: string;
}

/** Parses a checksum; `where` names the manifest field for the error message. */
export function parseChecksum(value: unknown, where: string): ParsedChecksum {
  const match = typeof value === 'string' ? CHECKSUM_PATTERN.exec(value) : null;
  if (!match?.[1] || !match[2]) {
    throw new CodexError('E_MANIFEST', `${where}: ${JSON.stringify(value)} is not a checksum of the form <algorithm>:<hex>`, {
      hint: 'the manifest was edited or corrupted; re-create it',
      exitCode: ExitCode.integrity,
    });
  }
  return {algorithm: match[1], hex: match[2]};
}

/**
 * `<algorithm>:<hex>` of some bytes (a string counts as its UTF-8) with a hasher: the one place the
 * create / update / digest / format idiom lives. Streams go through `hashFile` or `ParallelFileHasher`.
 */
export function checksumOf(hasher: Hasher, data: Uint8Array | string): Checksum {
  const state = hasher.create();
  state.update(typeof data === 'string' ? utf8(data) : data);
  return formatChecksum(hasher.algorithm, state.digest());
}
