import {type Checksum, type Hasher, formatChecksum} from '@codex-ml/core';
import {compareIds} from './dataset-item.js';

/**
 * The dataset id: the bound hasher's digest of `<id>\0<checksum>\n` for every item, sorted by id (UTF-16 code
 * unit order), written as `<algorithm>:<hex>`. It changes when any byte of any item changes, or when an item is
 * added, removed or renamed, and it does not depend on listing order. Labels and groups are not part of it.
 */
export function datasetIdOf(items: ReadonlyArray<{readonly id: string; readonly checksum: string}>, hasher: Hasher): Checksum {
  const sorted = [...items].sort((a, b) => compareIds(a.id, b.id));
  const state = hasher.create();
  const encoder = new TextEncoder();
  for (const item of sorted) state.update(encoder.encode(`${item.id}\u0000${item.checksum}\n`));
  return formatChecksum(hasher.algorithm, state.digest());
}
