import {isAbsolute, join, resolve} from 'node:path';
import {type Checksum, CodexError, ExitCode, type ManifestStore, parseChecksum} from '@codex-ml/core';

/** A file of one split of a data run, as its manifest records it. */
export interface DataRunItem {
  readonly id: string;
  /** Where the file is expected on disk. */
  readonly path: string;
  readonly checksum: Checksum;
  readonly bytes: number;
}

export interface DataRunSplit {
  readonly runId: string;
  readonly datasetId: string;
  /** Every split name the run has, sorted. */
  readonly splits: readonly string[];
  /** Items of the requested split, sorted by id. */
  readonly items: readonly DataRunItem[];
}

/** Reads the membership of a `prepare-data` run through the manifest store. */
export class DataRunReader {
  constructor(
    private readonly store: ManifestStore,
    private readonly runsDir: string,
  ) {}

  async readSplit(runId: string, split: string): Promise<DataRunSplit> {
    const manifest = await this.store.get(runId);
    if (!manifest) {
      throw new CodexError('E_RUN_NOT_FOUND', `data run ${runId} has no manifest in the ${this.store.name} manifest store`, {
        hint: 'check the run id (codex prepare-data prints it) and runs.dir / manifest.store',
        exitCode: ExitCode.input,
      });
    }
    const where = `data run ${runId}`;
    if (manifest.kind !== 'data') {
      throw new CodexError('E_INPUT', `${where} is a ${manifest.kind} run, not a data run`, {
        hint: 'pass the id of a prepare-data run',
        exitCode: ExitCode.input,
      });
    }
    const record = manifest as Record<string, unknown>;
    const datasetId = record.datasetId;
    if (typeof datasetId !== 'string') throw corrupt(where, 'datasetId is missing');
    const root = typeof record.root === 'string' ? record.root : undefined;
    if (root === undefined) throw corrupt(where, 'the dataset root is missing');
    const base = isAbsolute(root) ? root : resolve(join(this.runsDir, '..'), root);
    const items = Array.isArray(record.items) ? record.items : [];
    const splits = new Set<string>();
    const chosen: DataRunItem[] = [];
    for (const [index, raw] of items.entries()) {
      const item = raw as {id?: unknown; split?: unknown; checksum?: unknown; bytes?: unknown};
      if (typeof item.id !== 'string' || typeof item.split !== 'string') throw corrupt(where, `items[${index}] lacks id or split`);
      splits.add(item.split);
      if (item.split !== split) continue;
      parseChecksum(item.checksum, `${where}: items[${index}].checksum`);
      chosen.push({
        id: item.id,
        path: join(base, item.id),
        checksum: item.checksum as Checksum,
        bytes: typeof item.bytes === 'number' ? item.bytes : 0,
      });
    }
    chosen.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return {runId, datasetId, splits: [...splits].sort(), items: chosen};
  }
}

function corrupt(where: string, what: string): CodexError {
  return new CodexError('E_MANIFEST', `${where}: ${what} in its manifest`, {hint: 're-run prepare-data', exitCode: ExitCode.integrity});
}
