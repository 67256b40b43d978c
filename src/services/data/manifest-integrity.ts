import {createHash} from 'node:crypto';
import type {Checksum} from '@codex-ml/core';

/**
 * The manifest's seal: SHA-256 of its canonical JSON without the `integrity` field (object keys sorted at
 * every level, no whitespace). A fixed algorithm rather than the configured hasher, so any reader can check it
 * without loading a plugin. Any edit — by hand or by a faulty disk — breaks it.
 */
export function manifestIntegrity(manifest: Readonly<Record<string, unknown>>): Checksum {
  const {integrity: _ignored, ...rest} = manifest;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
