import {stat} from 'node:fs/promises';
import {basename, relative, sep} from 'node:path';
import {type Checksum, CodexError, ExitCode, canonicalJson, checksumOf, isRunId} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {datasetIdOf} from '../data/index.js';
import {listFiles} from '../file-listing.js';
import type {CorpusDrift, CorpusFile, CorpusRecordSet, CorpusSource} from './corpus-source.js';
import {DataRunReader, type DataRunSplit, isDataRunPath} from './data-run-reader.js';
import {FileChecksummer} from './file-checksummer.js';

export interface ResolveCorpusOptions {
  /** Split read from data runs (`train` for training, `validation` for validation). */
  readonly split: string;
  /** Where data run ids are looked up (`runs.dir`). */
  readonly runsDir: string;
  /** Accept files whose bytes differ from their data manifest, recording the drift. */
  readonly allowDrift?: boolean;
  /** Called once per drifted file accepted with allowDrift. */
  readonly onDrift?: (drift: CorpusDrift) => void;
  readonly onProgress?: (bytes: number, total: number) => void;
}

interface Part {
  readonly files: CorpusFile[];
  readonly records: CorpusRecordSet[];
  readonly datasetId: string;
  readonly parent?: string;
  readonly drift: CorpusDrift[];
}

/**
 * Turns `--input` values — files, folders, data run ids, data run directories or their manifest.json — into a
 * checksummed corpus. Files of a data run are verified against the run's manifest before anything reads them:
 * a mismatch is refused, naming the file and both checksums, unless drift is explicitly allowed.
 */
@injectable()
export class CorpusResolver {
  constructor(
    @inject(FileChecksummer) private readonly checksummer: FileChecksummer,
    @inject(DataRunReader) private readonly dataRuns: DataRunReader,
  ) {}

  async resolve(inputs: readonly string[], options: ResolveCorpusOptions): Promise<CorpusSource> {
    if (inputs.length === 0) {
      throw new CodexError('E_INPUT', 'no input given', {
        hint: 'pass --input PATH (files, folders or a data run id) or set tokenizer.dataset.inputs',
        exitCode: ExitCode.usage,
      });
    }
    const parts: Part[] = [];
    for (const input of inputs) {
      const dataRun = (isRunId(input) && !(await exists(input))) || (await isDataRunPath(input));
      parts.push(dataRun ? await this.#fromDataRun(input, options) : await this.#fromPath(input, options));
    }
    return {
      files: parts.flatMap((part) => part.files),
      records: parts.flatMap((part) => part.records),
      datasetIds: [...new Set(parts.map((part) => part.datasetId))].sort(),
      parents: [...new Set(parts.flatMap((part) => (part.parent ? [part.parent] : [])))].sort(),
      drift: parts.flatMap((part) => part.drift),
    };
  }

  async #fromPath(input: string, options: ResolveCorpusOptions): Promise<Part> {
    const listed = await listFiles([input]);
    if (listed.length === 0) {
      throw new CodexError('E_INPUT', `input ${input}: the folder holds no files`, {
        hint: 'pass a folder with text files',
        exitCode: ExitCode.input,
      });
    }
    const isFolder = (await stat(input)).isDirectory();
    const total = listed.reduce((sum, file) => sum + file.size, 0);
    const hashed = await this.checksummer.checksum(listed, this.checksummer.defaultAlgorithm, (done) => options.onProgress?.(done, total));
    // Ids as prepare-data gives them to a directory (relative POSIX paths), so both compute the same dataset id.
    const items = hashed.map((file) => ({...file, id: isFolder ? toPosix(relative(input, file.path)) : basename(file.path)}));
    const datasetId = datasetIdOf(items, await this.checksummer.hasherFor(this.checksummer.defaultAlgorithm));
    return {files: items.map((item) => ({...item, datasetId})), records: [], datasetId, drift: []};
  }

  async #fromDataRun(ref: string, options: ResolveCorpusOptions): Promise<Part> {
    const split = await this.dataRuns.readSplit(ref, options.split, options.runsDir);
    if (split.items.length === 0 && (split.records?.itemChecksums.length ?? 0) === 0) {
      throw new CodexError('E_INPUT', `data run ${split.runId}: split "${options.split}" has no items`, {
        hint: `choose another split (tokenizer.dataset.trainSplit / validationSplit); it has: ${split.splits.join(', ')}`,
        exitCode: ExitCode.input,
      });
    }
    return split.records ? this.#recordsOf(split, options) : this.#filesOf(split, options);
  }

  async #filesOf(split: DataRunSplit, options: ResolveCorpusOptions): Promise<Part> {
    const files: CorpusFile[] = [];
    const drift: CorpusDrift[] = [];
    const total = split.items.reduce((sum, item) => sum + item.bytes, 0);
    let before = 0;
    for (const [algorithm, group] of groupByAlgorithm(split.items)) {
      const hashed = await this.checksummer.checksum(
        group.map((item) => ({path: item.path, size: item.bytes})),
        algorithm,
        (done) => options.onProgress?.(before + done, total),
      );
      before += hashed.reduce((sum, file) => sum + file.bytes, 0);
      hashed.forEach((file, index) => {
        const item = group[index] as (typeof group)[number];
        if (file.checksum !== item.checksum)
          drift.push(this.#drifted(split.runId, item.path, item.id, item.checksum, file.checksum, options));
        files.push({
          path: item.path,
          id: item.id,
          bytes: file.bytes,
          checksum: file.checksum,
          datasetId: split.datasetId,
          stripBrownTags: split.stripBrownTags,
        });
      });
    }
    files.sort((a, b) => compare(a.id, b.id));
    // A drifted run is a different dataset: its id is recomputed from the bytes actually read.
    const datasetId =
      drift.length === 0 ? split.datasetId : datasetIdOf(files, await this.checksummer.hasherFor(this.checksummer.defaultAlgorithm));
    return {files: files.map((file) => ({...file, datasetId})), records: [], datasetId, parent: split.runId, drift};
  }

  async #recordsOf(split: DataRunSplit, options: ResolveCorpusOptions): Promise<Part> {
    const records = split.records as NonNullable<DataRunSplit['records']>;
    const algorithm = records.checksum.slice(0, records.checksum.indexOf(':'));
    const [source] = await this.checksummer.checksum([{path: records.path, size: records.bytes}], algorithm, (done) =>
      options.onProgress?.(done, records.bytes),
    );
    const actual = (source as {checksum: Checksum}).checksum;
    const drift =
      actual === records.checksum ? [] : [this.#drifted(split.runId, records.path, records.path, records.checksum, actual, options)];
    // A drifted source is a different dataset; without re-reading every record, its id digests (old id, new bytes).
    const datasetId =
      drift.length === 0
        ? split.datasetId
        : checksumOf(
            await this.checksummer.hasherFor(this.checksummer.defaultAlgorithm),
            canonicalJson({
              datasetId: split.datasetId,
              source: actual,
            }),
          );
    const set: CorpusRecordSet = {
      id: `${records.path}#${options.split}`,
      datasetId,
      checksum: actual,
      bytes: source?.bytes ?? records.bytes,
      itemChecksums: records.itemChecksums,
      texts: () => records.texts(),
    };
    return {files: [], records: [set], datasetId, parent: split.runId, drift};
  }

  #drifted(runId: string, path: string, id: string, expected: Checksum, actual: Checksum, options: ResolveCorpusOptions): CorpusDrift {
    if (!options.allowDrift) {
      throw new CodexError(
        'E_DRIFT',
        `data run ${runId}: ${path} changed since the manifest was written: expected ${expected}, found ${actual}`,
        {
          hint: 'restore the file, re-run prepare-data, or pass --allow-drift to train on the new bytes and record the drift',
          exitCode: ExitCode.integrity,
        },
      );
    }
    const record = {runId, id, expected, actual};
    options.onDrift?.(record);
    return record;
  }
}

function groupByAlgorithm<T extends {readonly checksum: Checksum}>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const algorithm = item.checksum.slice(0, item.checksum.indexOf(':'));
    const group = groups.get(algorithm) ?? [];
    group.push(item);
    groups.set(algorithm, group);
  }
  return groups;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
