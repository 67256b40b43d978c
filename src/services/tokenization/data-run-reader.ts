import {stat} from 'node:fs/promises';
import {basename, join} from 'node:path';
import {type Checksum, CodexError, ExitCode, ManifestStore, isCodexError, isRunId} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {DataManifestReader} from '../data/index.js';

/** A file of one split of a data run, as its manifest records it. */
export interface DataRunItem {
  readonly id: string;
  /** Where the file is expected on disk. */
  readonly path: string;
  readonly checksum: Checksum;
  readonly bytes: number;
}

/** The items of a record-backed dataset (.jsonl, .txt): one source file proves all of them. */
export interface DataRunRecords {
  /** The source file and its checksum from the manifest. */
  readonly path: string;
  readonly checksum: Checksum;
  readonly bytes: number;
  /** Checksums of the split's records, sorted by id. */
  readonly itemChecksums: readonly Checksum[];
  /** The split's texts, in id order (read after the source was verified). */
  texts(): AsyncIterable<string>;
}

export interface DataRunSplit {
  readonly runId: string;
  readonly datasetId: string;
  /** Every split name the run has. */
  readonly splits: readonly string[];
  /** Items of the requested split, sorted by id, for file-backed datasets (directory, brown). */
  readonly items: readonly DataRunItem[];
  /** For record-backed datasets (jsonl, txt). */
  readonly records?: DataRunRecords;
  /** Brown documents are read with their `word/TAG` tags stripped when the run recorded it. */
  readonly stripBrownTags: boolean;
}

/**
 * Reads one split of a `prepare-data` run through the data reader API (schema, version and integrity seal
 * checked on open). `ref` is a run id in `runsDir`, a run directory, or a manifest.json path.
 */
@injectable()
export class DataRunReader {
  constructor(@inject(ManifestStore) private readonly store: ManifestStore) {}

  async readSplit(ref: string, split: string, runsDir: string): Promise<DataRunSplit> {
    const reader = await this.#open(ref, runsDir);
    const {manifest} = reader;
    const items = await reader.split(split);
    const base = {runId: manifest.runId, datasetId: manifest.datasetId, splits: reader.splitNames};
    const {dataset} = manifest;
    if (dataset.format === 'jsonl' || dataset.format === 'txt') {
      if (dataset.checksum === undefined) {
        throw new CodexError('E_MANIFEST', `data run ${manifest.runId}: the manifest records no checksum of ${dataset.path}`, {
          hint: 're-run prepare-data',
          exitCode: ExitCode.integrity,
        });
      }
      return {
        ...base,
        items: [],
        stripBrownTags: false,
        records: {
          path: dataset.path,
          checksum: dataset.checksum,
          bytes: (await stat(dataset.path).catch(() => undefined))?.size ?? 0,
          itemChecksums: items.map((item) => item.checksum),
          texts: async function* () {
            for await (const {text} of reader.texts(split)) yield text;
          },
        },
      };
    }
    return {
      ...base,
      items: items.map((item) => ({id: item.id, path: reader.itemPath(item) as string, checksum: item.checksum, bytes: item.bytes})),
      stripBrownTags: dataset.format === 'brown' && dataset.options.stripTags === true,
    };
  }

  async #open(ref: string, runsDir: string): Promise<DataManifestReader> {
    try {
      return await DataManifestReader.open(ref, {runsDir});
    } catch (error) {
      // A run the configured store knows but whose directory is gone is worth saying so.
      if (isCodexError(error) && error.code === 'E_RUN_NOT_FOUND' && isRunId(ref) && (await this.store.get(ref).catch(() => undefined))) {
        throw new CodexError(
          'E_RUN_NOT_FOUND',
          `data run ${ref} is in the ${this.store.name} manifest store but ${join(runsDir, ref)} is missing`,
          {
            hint: 'restore the run directory or re-run prepare-data',
            exitCode: ExitCode.input,
          },
        );
      }
      throw error;
    }
  }
}

/** Whether a path names a data run: a manifest.json, or a directory holding one. */
export async function isDataRunPath(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return false;
  if (info.isFile()) return basename(path) === 'manifest.json';
  return info.isDirectory() && (await stat(join(path, 'manifest.json')).catch(() => undefined))?.isFile() === true;
}
