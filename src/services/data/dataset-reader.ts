import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {type Checksum, CodexError, ExitCode, type Hasher, type InvalidUtf8Policy, fileError, formatChecksum} from '@codex-ml/core';
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
  async read(spec: DatasetSpec, checksumOptions: FileChecksumOptions = {}, applyMappings = true): Promise<Dataset> {
    const {location} = spec;
    const policy = spec.onInvalidUtf8 ?? 'error';
    let items: DatasetItem[];
    let cachedItems = 0;
    let sourceChecksum: Checksum | undefined;
    let labelFile = spec.labels;
    if (!applyMappings) labelFile = null;
    if (location.format === 'directory' || location.format === 'brown') {
      const ids = await listDatasetFiles(location.path, location.format === 'brown' ? (name) => BROWN_DOCUMENT.test(name) : undefined);
      if (location.format === 'brown' && labelFile === null && applyMappings) labelFile = join(location.path, 'cats.txt');
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
      items = this.recordItems(records, location.path);
      const [source] = await this.files.checksum([location.path], checksumOptions);
      sourceChecksum = source?.checksum;
    }
    assertUniqueIds(items, location.path);
    const labels = labelFile === null ? undefined : await this.applyMapping(items, labelFile, 'label');
    if (labels) items = labels.items;
    const groups = spec.groups === null || !applyMappings ? undefined : await this.applyMapping(items, spec.groups, 'group');
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
    return {source, items, cachedItems};
  }

  /** Checksum of a mapping or source file's bytes with the bound hasher. */
  async checksumFile(path: string): Promise<Checksum> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw fileError(path, error);
    }
    const state = this.hasher.create();
    state.update(bytes);
    return formatChecksum(this.hasher.algorithm, state.digest());
  }

  private recordItems(records: readonly DatasetRecord[], path: string): DatasetItem[] {
    const items = records.map((record) => {
      // The raw bytes, not the decoded text: two lines that decode alike but differ in bytes differ here.
      const state = this.hasher.create();
      state.update(record.bytes);
      return {
        id: record.id,
        bytes: record.bytes.length,
        checksum: formatChecksum(this.hasher.algorithm, state.digest()),
        ...(record.label === undefined ? {} : {label: record.label}),
        ...(record.group === undefined ? {} : {group: record.group}),
      };
    });
    if (items.length === 0) return items;
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
    return items.sort((a, b) => compareIds(a.id, b.id));
  }

  private async applyMapping(
    items: readonly DatasetItem[],
    path: string,
    what: 'label' | 'group',
  ): Promise<{items: DatasetItem[]; path: string; checksum: Checksum}> {
    const mapping = await readMappingFile(path, what);
    const known = new Set(items.map((item) => item.id));
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
