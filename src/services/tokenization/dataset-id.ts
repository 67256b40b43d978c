import type {Checksum, Hasher} from '@codex-ml/core';
import {digestBytes} from './canonical-digest.js';

/**
 * A dataset's id: a digest over its sorted `(item id, checksum)` list, one `id\tchecksum\n` line each, so
 * it changes when any byte, name or membership changes and never depends on listing order.
 */
export function datasetIdOf(hasher: Hasher, items: ReadonlyArray<{readonly id: string; readonly checksum: string}>): Checksum {
  const lines = items.map((item) => `${item.id}\t${item.checksum}\n`).sort(compare);
  return digestBytes(hasher, new TextEncoder().encode(lines.join('')));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
