import {type Checksum, type Hasher, formatChecksum, utf8} from '@codex-ml/core';
import {compareIds} from './dataset-item.js';

const CHUNK_CHARS = 1 << 20;

/**
 * The dataset id: the bound hasher's digest of `<id>\0<checksum>\n` for every item, sorted by id (UTF-16 code
 * unit order), written as `<algorithm>:<hex>`. It changes when any byte of any item changes, or when an item is
 * added, removed or renamed, and it does not depend on listing order. Labels and groups are not part of it.
 */
export function datasetIdOf(items: ReadonlyArray<{readonly id: string; readonly checksum: string}>, hasher: Hasher): Checksum {
  const sorted = [...items].sort((a, b) => compareIds(a.id, b.id));
  const state = hasher.create();
  // Lines are fed a chunk of about 1 MB at a time (the digest of a stream does not depend on how it is cut):
  // one encode and one hasher call per item cost more than hashing the bytes.
  let chunk = '';
  for (const item of sorted) {
    chunk += `${item.id}\u0000${item.checksum}\n`;
    if (chunk.length >= CHUNK_CHARS) {
      state.update(utf8(chunk));
      chunk = '';
    }
  }
  if (chunk !== '') state.update(utf8(chunk));
  return formatChecksum(hasher.algorithm, state.digest());
}
