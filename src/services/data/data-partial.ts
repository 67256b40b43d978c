import {createHash} from 'node:crypto';
import {basename} from 'node:path';
import {type Checksum, CodexError, ExitCode, type Shard, canonicalJson, formatShard, shardOfId} from '@codex-ml/core';
import {type ShardPartialKind, addressPartial, readShardPartial, writeShardPartial} from '../shards/shard-partial-file.js';
import type {DatasetItem, DatasetSourceRecord} from './dataset-item.js';

export const DATA_PARTIAL_TYPE = 'codex-ml.data-partial';
export const DATA_PARTIAL_VERSION = 1;

/**
 * What makes partials parts of one and the same prepare-data: the input as read, the hasher, the splitter, the
 * seed and ratios, and the whole dataset's id listing. Partials whose identities differ are never merged.
 */
export interface DataPartialIdentity {
  readonly source: DatasetSourceRecord;
  readonly hasher: {readonly name: string; readonly algorithm: string};
  readonly splitter: string;
  readonly seed: number;
  readonly ratios: readonly (readonly [string, number])[];
  /**
   * Every id of the dataset (not only this shard's): how many, and the SHA-256 of the sorted ids, one a line
   * (`<id>\t<bytes>` for files, whose contents only their own shard reads).
   */
  readonly listing: {readonly count: number; readonly digest: Checksum};
}

/**
 * The checksums of one shard of a dataset (`prepare-data --shard i/n --out FILE`). `id` is the SHA-256 of the
 * partial's canonical JSON without `id`: the content address under which executors keep it, and the proof
 * that it was not damaged or edited. Items are those whose id falls in the shard (`shardOfId`), sorted by id.
 */
export interface DataPartial {
  readonly type: typeof DATA_PARTIAL_TYPE;
  readonly version: typeof DATA_PARTIAL_VERSION;
  readonly id: Checksum;
  /** SHA-256 of the canonical identity: equal for every shard of one job. */
  readonly job: Checksum;
  readonly shard: Shard;
  readonly identity: DataPartialIdentity;
  /** The config snapshot the data manifest records. */
  readonly config: Readonly<Record<string, unknown>>;
  /** How the run lists its items (`data.inlineItems`), so the merged manifest has the single run's layout. */
  readonly inlineItems: number;
  readonly items: readonly DatasetItem[];
}

/** A partial read back from a file. */
export interface LoadedDataPartial {
  readonly path: string;
  readonly partial: DataPartial;
}

export function listingOf(entries: readonly {readonly id: string; readonly bytes?: number}[]): DataPartialIdentity['listing'] {
  const hash = createHash('sha256');
  for (const {id, bytes} of entries) hash.update(bytes === undefined ? `${id}\n` : `${id}\t${bytes}\n`);
  return {count: entries.length, digest: `sha256:${hash.digest('hex')}`};
}

/** The data partial's file format: its job is the identity every shard of one prepare-data shares. */
export const DATA_PARTIAL: ShardPartialKind<DataPartial> = {
  type: DATA_PARTIAL_TYPE,
  version: DATA_PARTIAL_VERSION,
  described: 'a data partial',
  writtenBy: 'prepare-data --shard i/n --out FILE',
  jobOf: (body) => body.identity,
};

export function buildDataPartial(
  identity: DataPartialIdentity,
  shard: Shard,
  config: Readonly<Record<string, unknown>>,
  inlineItems: number,
  items: readonly DatasetItem[],
): DataPartial {
  return addressPartial(DATA_PARTIAL, {
    type: DATA_PARTIAL_TYPE,
    version: DATA_PARTIAL_VERSION,
    shard,
    identity,
    config,
    inlineItems,
    items,
  });
}

export async function writeDataPartial(path: string, partial: DataPartial): Promise<void> {
  await writeShardPartial(path, partial);
}

export async function readDataPartial(path: string): Promise<LoadedDataPartial> {
  return {path, partial: await readShardPartial(path, DATA_PARTIAL)};
}

/**
 * Checks that partials are the complete, non-overlapping shards of one job and returns them in shard order.
 * Every refusal is one line naming the partial and what is wrong with it.
 */
export function checkDataPartials(loaded: readonly LoadedDataPartial[]): LoadedDataPartial[] {
  const [first] = loaded;
  if (first === undefined) {
    throw new CodexError('E_USAGE', 'no partials given', {
      hint: 'pass the files prepare-data --shard i/n --out FILE wrote',
      exitCode: ExitCode.usage,
    });
  }
  const reference = first.partial;
  const name = (entry: LoadedDataPartial) => basename(entry.path);
  const byIndex = new Map<number, LoadedDataPartial>();
  for (const entry of loaded) {
    const {partial} = entry;
    if (partial.job !== reference.job) throw foreign(entry.path, first.path, partial.identity, reference.identity);
    if (partial.shard.count !== reference.shard.count) {
      throw mergeError(
        `${name(entry)} is shard ${formatShard(partial.shard)}, but ${name(first)} is shard ${formatShard(reference.shard)}`,
        'merge the partials of one --shard i/n run',
      );
    }
    const twin = byIndex.get(partial.shard.index);
    if (twin !== undefined) {
      throw mergeError(
        `${name(entry)} and ${name(twin)} both hold shard ${formatShard(partial.shard)} (overlapping partials)`,
        'pass each shard once',
      );
    }
    byIndex.set(partial.shard.index, entry);
  }
  const count = reference.shard.count;
  const missing = Array.from({length: count}, (_, index) => index).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw mergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing (${loaded.length} of ${count} partials given)`,
      'run prepare-data --shard for the missing shards, then merge all of them',
    );
  }
  const ordered = [...byIndex.keys()].sort((a, b) => a - b).map((index) => byIndex.get(index) as LoadedDataPartial);
  let total = 0;
  for (const entry of ordered) {
    for (const item of entry.partial.items) {
      if (shardOfId(item.id, count) !== entry.partial.shard.index) {
        throw mergeError(
          `${name(entry)} holds item ${JSON.stringify(item.id)}, which belongs to shard ${shardOfId(item.id, count)}/${count}`,
          'the partial was not written by prepare-data --shard; re-create it',
        );
      }
    }
    total += entry.partial.items.length;
  }
  if (total !== reference.identity.listing.count) {
    throw mergeError(
      `the partials hold ${total} items, the dataset has ${reference.identity.listing.count}`,
      'a shard was written from an incomplete read; re-create the partials',
    );
  }
  return ordered;
}

function foreign(path: string, firstPath: string, identity: DataPartialIdentity, reference: DataPartialIdentity): CodexError {
  const differences: string[] = [];
  if (identity.seed !== reference.seed) differences.push(`seed ${identity.seed}, not ${reference.seed}`);
  if (
    canonicalJson(identity.source) !== canonicalJson(reference.source) ||
    canonicalJson(identity.listing) !== canonicalJson(reference.listing)
  ) {
    differences.push(
      `another input (${identity.source.path}${identity.source.checksum ? ` ${identity.source.checksum}` : ''}, ${identity.listing.count} items)`,
    );
  }
  if (identity.hasher.name !== reference.hasher.name) differences.push(`hasher ${identity.hasher.name}, not ${reference.hasher.name}`);
  if (identity.splitter !== reference.splitter) differences.push(`splitter ${identity.splitter}, not ${reference.splitter}`);
  if (canonicalJson(identity.ratios) !== canonicalJson(reference.ratios))
    differences.push(`other splits or ratios (${identity.ratios.map(([n, r]) => `${n}=${r}`).join(',')})`);
  return mergeError(
    `${basename(path)} belongs to another prepare-data than ${basename(firstPath)}: ${differences.join('; ') || 'other settings'}`,
    'merge only the partials of one run (same input, seed and settings)',
  );
}

function mergeError(message: string, hint: string): CodexError {
  return new CodexError('E_PARTIAL', `cannot merge: ${message}`, {hint: `${hint}; nothing was written`, exitCode: ExitCode.input});
}
