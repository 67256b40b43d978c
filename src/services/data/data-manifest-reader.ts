import {resolveRunReference} from '../runs/run-reference.js';
import {createHash} from 'node:crypto';
import {readFile, stat} from 'node:fs/promises';
import {dirname, join, resolve} from 'node:path';
import {
  CodexError,
  ExitCode,
  INVALID_UTF8_POLICIES,
  type InvalidUtf8Policy,
  decodeDocument,
  errnoCode,
  fileError,
  isRunId,
} from '@codex-ml/core';
import {stripBrownTags} from './brown-tags.js';
import {DATA_MANIFEST_KIND, DATA_MANIFEST_VERSION, type DataManifest, type DataManifestItem} from './data-manifest.js';
import {DATA_MANIFEST_SCHEMA} from './data-manifest-schema.js';
import {type DatasetRecord, readJsonlRecords, readTextLineRecords} from './dataset-records.js';
import {checkJsonSchema} from './json-schema-check.js';
import {manifestIntegrity} from './manifest-integrity.js';

const HINT = 'the manifest was truncated or edited by hand; re-run codex prepare-data to get a sound one';

/** A text of a split, with the id of the item it came from. */
export interface SplitText {
  readonly id: string;
  readonly text: string;
}

/**
 * Reads a data run for other commands (tokenizer training, model training) and for library users:
 *
 * ```ts
 * const data = await DataManifestReader.open('01J…', {runsDir: 'runs'});   // or a manifest.json path
 * for (const item of await data.split('train')) data.itemPath(item);       // file of a file-backed item
 * for await (const {id, text} of data.texts('train')) …;                    // any format, tags stripped as recorded
 * ```
 * Opening checks the JSON Schema, the schema version and the integrity seal, so a truncated or hand-edited
 * manifest is refused with one line naming the run. It does not re-hash the data: `codex data:verify` does.
 */
export class DataManifestReader {
  private constructor(
    readonly manifest: DataManifest,
    /** The manifest file. */
    readonly path: string,
    /** The run directory holding the manifest and the split lists. */
    readonly runDir: string,
  ) {}

  /** Opens a run by id (in `runsDir`), by its directory, or by the path of its manifest.json. */
  static async open(reference: string, options: {readonly runsDir?: string} = {}): Promise<DataManifestReader> {
    const ref = await resolveRunReference(reference, options.runsDir ?? 'runs', 'data');
    let path: string;
    if (isRunId(ref)) path = join(resolve(options.runsDir ?? 'runs'), ref, 'manifest.json');
    else {
      path = resolve(ref);
      const info = await stat(path).catch((error: unknown) => {
        throw errnoCode(error) === 'ENOENT'
          ? new CodexError('E_RUN_NOT_FOUND', `${ref} is neither a run id nor an existing manifest file`, {
              hint: 'pass the run id codex prepare-data printed, or the path of its manifest.json',
              exitCode: ExitCode.input,
            })
          : fileError(path, error);
      });
      if (info.isDirectory()) path = join(path, 'manifest.json');
    }
    const where = isRunId(ref) ? `run ${ref}` : path;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') {
        throw new CodexError('E_RUN_NOT_FOUND', `${where}: no data manifest at ${path}`, {
          hint: 'the run does not exist or did not finish; check the run id and runs.dir',
          exitCode: ExitCode.input,
        });
      }
      throw fileError(path, error);
    }
    return new DataManifestReader(parseDataManifest(text, where), path, dirname(path));
  }

  /** Every item with its split, sorted by id; read from the companion file when the manifest points to one. */
  async items(): Promise<DataManifestItem[]> {
    if (this.manifest.items) return [...this.manifest.items];
    const membership = this.manifest.membership;
    if (!membership) throw corrupt(this.where, 'has neither items nor membership');
    const path = join(this.runDir, membership.path);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw fileError(path, error);
    }
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== membership.checksum)
      throw corrupt(this.where, `its membership file ${membership.path} was changed (checksum ${actual})`);
    const items: DataManifestItem[] = [];
    const lines = bytes.toString('utf8').split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index] as string;
      if (line === '') continue;
      const value: unknown = JSON.parse(line);
      const problem = checkJsonSchema(value, DATA_MANIFEST_SCHEMA.definitions.item);
      if (problem) throw corrupt(this.where, `${membership.path}:${index + 1} ${problem}`);
      items.push(value as DataManifestItem);
    }
    if (items.length !== membership.count)
      throw corrupt(this.where, `${membership.path} lists ${items.length} items, not ${membership.count}`);
    return items;
  }

  /** Names of the splits in the order they were requested. */
  get splitNames(): string[] {
    return this.manifest.splits.map((split) => split.name);
  }

  /** The items of one split, sorted by id; an unknown split name is an error listing the known ones. */
  async split(name: string): Promise<DataManifestItem[]> {
    if (!this.splitNames.includes(name)) {
      throw new CodexError('E_SPLIT', `${this.where} has no split "${name}"; it has ${this.splitNames.join(', ')}`, {
        hint: 'choose one of those split names',
        exitCode: ExitCode.input,
      });
    }
    return (await this.items()).filter((item) => item.split === name);
  }

  /** The file holding an item, for file-backed datasets (directory, brown); undefined for records. */
  itemPath(item: Pick<DataManifestItem, 'id'>): string | undefined {
    return this.manifest.root === undefined ? undefined : join(this.manifest.root, item.id);
  }

  /**
   * The texts of a split's items, sorted by id: file contents (UTF-8), a record's text field or line. Brown
   * documents come with tags stripped when the run recorded `stripTags` (override with `options.stripTags`).
   */
  async *texts(split: string, options: {readonly stripTags?: boolean} = {}): AsyncGenerator<SplitText> {
    const items = await this.split(split);
    const {dataset} = this.manifest;
    const policy = invalidUtf8PolicyOf(dataset.options);
    if (dataset.format === 'jsonl' || dataset.format === 'txt') {
      const records =
        dataset.format === 'jsonl'
          ? await readJsonlRecords(
              dataset.path,
              {
                idField: String(dataset.options['idField'] ?? 'id'),
                textField: String(dataset.options['textField'] ?? 'text'),
                labelField: null,
                groupField: null,
              },
              policy,
            )
          : await readTextLineRecords(dataset.path, policy);
      const byId = new Map<string, DatasetRecord>(records.map((record) => [record.id, record]));
      for (const item of items) {
        const record = byId.get(item.id);
        if (!record)
          throw new CodexError('E_DATA_DRIFT', `${dataset.path}: item ${JSON.stringify(item.id)} is gone`, {
            hint: `codex data:verify ${this.manifest.runId} shows every change`,
            exitCode: ExitCode.integrity,
          });
        yield {id: item.id, text: record.text};
      }
      return;
    }
    const strip = dataset.format === 'brown' && (options.stripTags ?? dataset.options['stripTags'] === true);
    for (const item of items) {
      const path = this.itemPath(item) as string;
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        throw fileError(path, error);
      }
      const text = decodeDocument(bytes, path, policy);
      yield {id: item.id, text: strip ? stripBrownTags(text) : text};
    }
  }

  private get where(): string {
    return `run ${this.manifest.runId}`;
  }
}

/** The invalid-UTF-8 policy a data run recorded (`prepare-data --on-invalid-utf8`); `error` when none. */
export function invalidUtf8PolicyOf(options: Readonly<Record<string, unknown>>): InvalidUtf8Policy {
  const recorded = options['onInvalidUtf8'];
  return INVALID_UTF8_POLICIES.find((policy) => policy === recorded) ?? 'error';
}

/** Parses and checks a data manifest's text: JSON, kind and version, JSON Schema, integrity seal. */
export function parseDataManifest(text: string, where: string): DataManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(where, `manifest is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const record = value as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw corrupt(where, 'manifest is not a JSON object');
  if (record['kind'] !== DATA_MANIFEST_KIND)
    throw corrupt(where, `manifest is of kind ${JSON.stringify(record['kind'])}, not a data manifest`);
  if (record['schemaVersion'] !== DATA_MANIFEST_VERSION) {
    throw new CodexError(
      'E_MANIFEST',
      `${where}: data manifest version ${JSON.stringify(record['schemaVersion'])} is not supported (this codex reads ${DATA_MANIFEST_VERSION})`,
      {
        hint: 'use the codex version that wrote it, or re-run prepare-data',
        exitCode: ExitCode.integrity,
      },
    );
  }
  if (!matchesSchema(record)) throw corrupt(where, `manifest ${checkJsonSchema(record, DATA_MANIFEST_SCHEMA)}`);
  const expected = manifestIntegrity(record);
  if (record['integrity'] !== expected)
    throw corrupt(where, 'manifest was modified after it was written (its integrity seal does not match)');
  return record;
}

/** The JSON Schema is what makes a parsed object a `DataManifest`. */
function matchesSchema(record: object): record is DataManifest {
  return checkJsonSchema(record, DATA_MANIFEST_SCHEMA) === undefined;
}

function corrupt(where: string, problem: string): CodexError {
  return new CodexError('E_MANIFEST', `${where}: ${problem}`, {hint: HINT, exitCode: ExitCode.integrity});
}
