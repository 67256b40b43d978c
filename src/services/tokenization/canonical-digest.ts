import {type Checksum, type Hasher, formatChecksum} from '@codex-ml/core';

/**
 * JSON with object keys sorted at every level, so equal values give equal text (and equal digests) whatever
 * order their keys were set in. Arrays keep their order: callers sort them where order carries no meaning.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(node).sort()) sorted[key] = (node as Record<string, unknown>)[key];
    return sorted;
  });
}

/** `<algo>:<hex>` of a value's canonical JSON with the bound hasher. */
export function canonicalDigest(hasher: Hasher, value: unknown): Checksum {
  return digestBytes(hasher, new TextEncoder().encode(canonicalJson(value)));
}

/** `<algo>:<hex>` of some bytes with the bound hasher. */
export function digestBytes(hasher: Hasher, bytes: Uint8Array): Checksum {
  const state = hasher.create();
  state.update(bytes);
  return formatChecksum(hasher.algorithm, state.digest());
}
