import {stat} from 'node:fs/promises';
import {basename, relative, sep} from 'node:path';
import {type Checksum, CodexError, ExitCode, isRunId} from '@codex-ml/core';
import {listFiles} from '../file-listing.js';
import type {CorpusDrift, CorpusFile, CorpusSource} from './corpus-source.js';
import type {DataRunReader} from './data-run-reader.js';
import {datasetIdOf} from './dataset-id.js';
import type {FileChecksummer} from './file-checksummer.js';

export interface ResolveCorpusOptions {
  /** Split read from data runs (`train` for training, `validation` for validation). */
  readonly split: string;
  /** Accept files whose bytes differ from their data manifest, recording the drift. */
  readonly allowDrift?: boolean;
  /** Called once per drifted file accepted with allowDrift. */
  readonly onDrift?: (drift: CorpusDrift) => void;
  readonly onProgress?: (bytes: number, total: number) => void;
}

/**
 * Turns `--input` values (files, folders, data run ids) into a checksummed corpus. Files of a data run are
 * verified against the run's manifest before anything reads them: a mismatch is refused, naming the file and
 * both checksums, unless drift is explicitly allowed.
 */
export class CorpusResolver {
  constructor(
    private readonly checksummer: FileChecksummer,
    private readonly dataRuns: () => Promise<DataRunReader>,
  ) {}

  async resolve(inputs: readonly string[], options: ResolveCorpusOptions): Promise<CorpusSource> {
    if (inputs.length === 0) {
      throw new CodexError('E_INPUT', 'no training input given', {
        hint: 'pass --input PATH (files, folders or a data run id) or set tokenizer.dataset.inputs',
        exitCode: ExitCode.usage,
      });
    }
    const files: CorpusFile[] = [];
    const datasetIds = new Set<string>();
    const parents = new Set<string>();
    const drift: CorpusDrift[] = [];
    for (const input of inputs) {
      if (isRunId(input) && !(await exists(input))) {
        const part = await this.#fromDataRun(input, options);
        files.push(...part.files);
        datasetIds.add(part.datasetId);
        parents.add(input);
        drift.push(...part.drift);
      } else {
        const part = await this.#fromPath(input, options);
        files.push(...part.files);
        datasetIds.add(part.datasetId);
      }
    }
    return {files, datasetIds: [...datasetIds].sort(), parents: [...parents].sort(), drift};
  }

  async #fromPath(input: string, options: ResolveCorpusOptions): Promise<{files: CorpusFile[]; datasetId: string}> {
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
    const items = hashed.map((file) => ({...file, id: isFolder ? toPosix(relative(input, file.path)) : basename(file.path)}));
    const datasetId = datasetIdOf(await this.checksummer.hasherFor(this.checksummer.defaultAlgorithm), items);
    return {files: items.map((item) => ({...item, datasetId})), datasetId};
  }

  async #fromDataRun(
    runId: string,
    options: ResolveCorpusOptions,
  ): Promise<{files: CorpusFile[]; datasetId: string; drift: CorpusDrift[]}> {
    const split = await (await this.dataRuns()).readSplit(runId, options.split);
    if (split.items.length === 0) {
      throw new CodexError('E_INPUT', `data run ${runId}: split "${options.split}" has no items`, {
        hint: `choose another split (tokenizer.dataset.trainSplit / validationSplit); it has: ${split.splits.join(', ')}`,
        exitCode: ExitCode.input,
      });
    }
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
        if (file.checksum !== item.checksum) {
          if (!options.allowDrift) {
            throw new CodexError(
              'E_DRIFT',
              `data run ${runId}: ${item.path} changed since the manifest was written: expected ${item.checksum}, found ${file.checksum}`,
              {
                hint: 'restore the file, re-run prepare-data, or pass --allow-drift to train on the new bytes and record the drift',
                exitCode: ExitCode.integrity,
              },
            );
          }
          const record = {runId, id: item.id, expected: item.checksum, actual: file.checksum};
          drift.push(record);
          options.onDrift?.(record);
        }
        files.push({path: item.path, id: item.id, bytes: file.bytes, checksum: file.checksum, datasetId: split.datasetId});
      });
    }
    // A drifted run is a different dataset: its id is recomputed from the bytes actually read.
    const datasetId =
      drift.length === 0 ? split.datasetId : datasetIdOf(await this.checksummer.hasherFor(this.checksummer.defaultAlgorithm), files);
    files.sort((a, b) => compare(a.id, b.id));
    return {files: files.map((file) => ({...file, datasetId})), datasetId, drift};
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
