import {createHash} from 'node:crypto';
import {type Checksum, canonicalJson} from '@codex-ml/core';

/**
 * The manifest's seal: SHA-256 of its canonical JSON without the `integrity` field (object keys sorted at
 * every level, no whitespace). A fixed algorithm rather than the configured hasher, so any reader can check it
 * without loading a plugin. Any edit — by hand or by a faulty disk — breaks it.
 */
export function manifestIntegrity(manifest: Readonly<Record<string, unknown>>): Checksum {
  const {integrity: _ignored, ...rest} = manifest;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}
