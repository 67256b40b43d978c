import type {Checksum, Manifest} from '@codex-ml/core';
import {manifestIntegrity} from '../data/manifest-integrity.js';

/**
 * Every run manifest is sealed: its `integrity` field is SHA-256 of its canonical JSON without that field
 * (the rule data manifests always followed), so an edit by hand or by a faulty disk — a better `finalLoss`, a
 * changed parent — is caught by `runs:verify` on the run and on every ancestor.
 */
export type SealStatus = 'ok' | 'unsealed' | 'modified';

/** The manifest with its seal as the last field (any previous seal replaced). */
export function sealManifest<T extends Manifest>(manifest: T): T & {readonly integrity: Checksum} {
  const {integrity: _previous, ...rest} = manifest as T & {integrity?: unknown};
  return {...rest, integrity: manifestIntegrity(rest)} as T & {readonly integrity: Checksum};
}

export function sealStatus(manifest: Readonly<Record<string, unknown>>): SealStatus {
  const seal = manifest['integrity'];
  if (seal === undefined) return 'unsealed';
  return seal === manifestIntegrity(manifest) ? 'ok' : 'modified';
}
