import {statSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {
  type Checksum,
  CodexError,
  ExitCode,
  type Hasher,
  type InvalidUtf8Policy,
  type Shard,
  checksumOf,
  fileError,
  shardOfId,
} from '@codex-ml/core';
import {type Dataset, type DatasetItem, type DatasetSourceRecord, compareIds} from './dataset-item.js';
import type {DatasetLocation} from './dataset-location.js';
import {type DatasetRecord, type JsonlFields, readJsonlRecords, readTextLineRecords} from './dataset-records.js';
import {listDatasetFiles} from './directory-listing.js';
import type {FileChecksumOptions, FileChecksums} from './file-checksums.js';
import {readMappingFile} from './label-mapping.js';

/** Brown corpus documents: category letter a–r and a two-digit number (`ca01` … `cr09`). */
const BROWN_DOCUMENT = /^c[a-r]\d\d$/;

/** Everything that decides which items a dataset has and what their ids, labels and groups are. */
export interface DatasetSpec {
  readonly location: DatasetLocation;
  readonly jsonl: JsonlFields;
  readonly brown: {readonly stripTags: boolean};
  /** Label mapping file (`<id> <label>` lines); for `brown`, the corpus's own cats.txt when null. */
  readonly labels: string | null;
  readonly groups: string | null;
  /** Invalid UTF-8 in records (txt, jsonl) and, when texts are read later, in files; default `error`. */
  readonly onInvalidUtf8?: InvalidUtf8Policy;
}

/**
 * Reads a dataset into items with checksums from the bound hasher: files of a directory or of the Brown
 * corpus (hashed in parallel, through the stat cache), or records of a .jsonl / .txt file (each record's line
 * hashed in memory). Duplicate ids, ids escaping the root and mapping files naming unknown ids are errors.
 */
export class DatasetReader {
  constructor(
    private readonly hasher: Hasher,
    private readonly files: FileChecksums,
  ) {}

  /**
   * @param applyMappings false skips label and group files (verification compares their checksums instead,
   * and a file deleted from the dataset must show up as missing, not as a mapping error)
   */
  async read(spec: DatasetSpec, checksumOptions: FileChecksumOptions = {}, applyMappings = true, shard?: Shard): Promise<Dataset> {
    const {location} = spec;
    const policy = spec.onInvalidUtf8 ?? 'error';
    // A shard lists (and validates) every id, but checksums only its own share.
    const mine = (id: string) => shard === undefined || shardOfId(id, shard.count) === shard.index;
    let listing: string[] = [];
    let sizes: Map<string, number> | undefined;
    let items: DatasetItem[];
    let cachedItems = 0;
    let sourceChecksum: Checksum | undefined;
    let labelFile = spec.labels;
    if (!applyMappings) labelFile = null;
    if (location.format === 'directory' || location.format === 'brown') {
      const all = await listDatasetFiles(location.path, location.format === 'brown' ? (name) => BROWN_DOCUMENT.test(name) : undefined);
      if (location.format === 'brown' && labelFile === null && applyMappings) labelFile = join(location.path, 'cats.txt');
      listing = all;
      const ids = shard === undefined ? all : all.filter(mine);
      // A shard checksums only its own files; the sizes of all of them let a merge tell another input apart.
      if (shard !== undefined) sizes = new Map(all.map((id) => [id, fileSize(join(location.path, id))]));
      const sums = await this.files.checksum(
        ids.map((id) => join(location.path, id)),
        checksumOptions,
      );
      items = ids.map((id, i) => {
        const sum = sums[i] as {bytes: number; checksum: Checksum; cached: boolean};
        if (sum.cached) cachedItems++;
        return {id, bytes: sum.bytes, checksum: sum.checksum};
      });
    } else {
      const records =
        location.format === 'jsonl'
          ? await readJsonlRecords(location.path, spec.jsonl, policy)
          : await readTextLineRecords(location.path, policy);
      listing = this.checkRecordIds(records, location.path);
      items = this.recordItems(shard === undefined ? records : records.filter((record) => mine(record.id)));
      const [source] = await this.files.checksum([location.path], checksumOptions);
      sourceChecksum = source?.checksum;
    }
    assertUniqueIds(items, location.path);
    const labels = labelFile === null ? undefined : await this.applyMapping(items, listing, labelFile, 'label');
    if (labels) items = labels.items;
    const groups = spec.groups === null || !applyMappings ? undefined : await this.applyMapping(items, listing, spec.groups, 'group');
    if (groups) items = groups.items;
    const options: Record<string, string | boolean | null> = {
      // Recorded only when not the default, so manifests of valid UTF-8 data stay as they were.
      ...(policy === 'error' ? {} : {onInvalidUtf8: policy}),
    };
    Object.assign(
      options,
      location.format === 'jsonl'
        ? {
            idField: spec.jsonl.idField,
            textField: spec.jsonl.textField,
            labelField: spec.jsonl.labelField,
            groupField: spec.jsonl.groupField,
          }
        : location.format === 'brown'
          ? {stripTags: spec.brown.stripTags}
          : {},
    );
    const source: DatasetSourceRecord = {
      format: location.format,
      path: location.path,
      ...(location.package ? {package: location.package} : {}),
      options,
      ...(sourceChecksum ? {checksum: sourceChecksum} : {}),
      ...(labels ? {labels: {path: labels.path, checksum: labels.checksum}} : {}),
      ...(groups ? {groups: {path: groups.path, checksum: groups.checksum}} : {}),
    };
    const entries =
      shard === undefined ? undefined : listing.sort(compareIds).map((id) => (sizes ? {id, bytes: sizes.get(id) as number} : {id}));
    return {source, items, cachedItems, ...(entries === undefined ? {} : {listing: entries})};
  }

  /** Checksum of a mapping or source file's bytes with the bound hasher. */
  async checksumFile(path: string): Promise<Checksum> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw fileError(path, error);
    }
    return checksumOf(this.hasher, bytes);
  }

  private recordItems(records: readonly DatasetRecord[]): DatasetItem[] {
    const items = records.map((record) => {
      // The raw bytes, not the decoded text: two lines that decode alike but differ in bytes differ here.
      return {
        id: record.id,
        bytes: record.bytes.length,
        checksum: checksumOf(this.hasher, record.bytes),
        ...(record.label === undefined ? {} : {label: record.label}),
        ...(record.group === undefined ? {} : {group: record.group}),
      };
    });
    return items.sort((a, b) => compareIds(a.id, b.id));
  }

  /** Every record's id, refusing a repeated one by its two line numbers. */
  private checkRecordIds(records: readonly DatasetRecord[], path: string): string[] {
    const lineOf = new Map<string, number>();
    for (const record of records) {
      const first = lineOf.get(record.id);
      if (first !== undefined) {
        throw new CodexError('E_DATASET', `${path}:${record.lineNumber}: id ${JSON.stringify(record.id)} already used on line ${first}`, {
          hint: 'ids must be unique within a dataset',
          exitCode: ExitCode.input,
        });
      }
      lineOf.set(record.id, record.lineNumber);
    }
    return [...lineOf.keys()];
  }

  private async applyMapping(
    items: readonly DatasetItem[],
    listing: readonly string[],
    path: string,
    what: 'label' | 'group',
  ): Promise<{items: DatasetItem[]; path: string; checksum: Checksum}> {
    const mapping = await readMappingFile(path, what);
    const known = new Set(listing);
    for (const id of mapping.keys()) {
      if (!known.has(id)) {
        throw new CodexError('E_DATASET', `${path}: ${what} given for ${JSON.stringify(id)}, which is not in the dataset`, {
          hint: `fix the id or remove the line from the ${what} file`,
          exitCode: ExitCode.input,
        });
      }
    }
    const mapped = items.map((item) => {
      const value = mapping.get(item.id);
      return value === undefined ? item : {...item, [what]: value};
    });
    return {items: mapped, path, checksum: await this.checksumFile(path)};
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw fileError(path, error);
  }
}

function assertUniqueIds(items: readonly DatasetItem[], path: string): void {
  for (let i = 1; i < items.length; i++) {
    if ((items[i] as DatasetItem).id === (items[i - 1] as DatasetItem).id) {
      throw new CodexError('E_DATASET', `${path}: item id ${JSON.stringify((items[i] as DatasetItem).id)} appears twice`, {
        hint: 'ids must be unique within a dataset',
        exitCode: ExitCode.input,
      });
    }
  }
}
