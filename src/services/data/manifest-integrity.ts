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

/**
 * Object keys sorted (UTF-16 code units) at every level, `undefined` members left out, no whitespace. Built by
 * appending to one string rather than mapping, filtering and joining arrays per object: the seal covers every
 * item of the manifest, and `data:verify` checks it on each run.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // As Array.prototype.join: a hole or an unserializable element contributes nothing.
      out += canonicalJson(value[i]) ?? '';
    }
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let out = '{';
    let first = true;
    for (const key of Object.keys(record).sort()) {
      const entry = record[key];
      if (entry === undefined) continue;
      if (!first) out += ',';
      first = false;
      out += `${JSON.stringify(key)}:${canonicalJson(entry)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}
