import type {Checksum} from './checksum.js';

/**
 * A file as every manifest records it: its path relative to the directory it belongs to (a run directory, a
 * checkpoint), its checksum `<algorithm>:<hex>` written by the hasher of that algorithm, and its size in bytes.
 */
export interface Artifact {
  readonly path: string;
  readonly checksum: Checksum;
  readonly bytes: number;
}
