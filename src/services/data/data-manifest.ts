import {type Checksum, type Artifact} from '@codex-ml/core';
import type {DatasetSourceRecord} from './dataset-item.js';

export const DATA_MANIFEST_KIND = 'data';
export const DATA_MANIFEST_VERSION = 1;

/** One item's membership, as the manifest (or its companion items.jsonl) lists it. */
export interface DataManifestItem {
  readonly id: string;
  readonly split: string;
  readonly checksum: Checksum;
  readonly bytes: number;
  readonly label?: string;
  readonly group?: string;
}

export interface DataManifestSplit {
  readonly name: string;
  readonly ratio: number;
  readonly items: number;
  readonly bytes: number;
  /** The split's id list in the run directory (`splits/<name>.txt`, one id per line, sorted). */
  readonly file: string;
  readonly checksum: Checksum;
  /** Items per label, when the items have labels. */
  readonly labels?: Readonly<Record<string, number>>;
}

/** Where the membership lives when it is not inline: a JSONL file of `DataManifestItem`, sorted by id. */
export interface DataManifestMembership {
  readonly path: string;
  readonly checksum: Checksum;
  readonly count: number;
}

/**
 * The manifest of a `prepare-data` run (kind `data`). Small fields first, the item list last; `integrity`
 * closes it (see `manifestIntegrity`). docs/data/manifest.schema.json is its JSON Schema.
 */
export type DataManifest = {
  readonly schemaVersion: typeof DATA_MANIFEST_VERSION;
  readonly kind: typeof DATA_MANIFEST_KIND;
  readonly runId: string;
  readonly parents: readonly string[];
  readonly createdAt: string;
  readonly datasetId: Checksum;
  /** Absolute dataset root for file-backed formats (directory, brown): item files are `<root>/<id>`. */
  readonly root?: string;
  readonly seed: number;
  readonly splitter: {
    readonly name: string;
    readonly plugin: string;
    readonly version: string;
    readonly params: Readonly<Record<string, unknown>>;
  };
  readonly hasher: {readonly name: string; readonly algorithm: string};
  readonly itemCount: number;
  readonly bytes: number;
  readonly dataset: DatasetSourceRecord;
  readonly splits: readonly DataManifestSplit[];
  readonly tools: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly artifacts: readonly Artifact[];
  /** Present when the items are listed in a companion file instead of `items`. */
  readonly membership?: DataManifestMembership;
  readonly items?: readonly DataManifestItem[];
  readonly integrity: Checksum;
};
