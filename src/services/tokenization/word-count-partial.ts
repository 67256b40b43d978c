import {basename} from 'node:path';
import {type Checksum, CodexError, ExitCode, type Shard, canonicalJson, formatShard} from '@codex-ml/core';
import {type ShardPartialKind, addressPartial, readShardPartial, writeShardPartial} from '../shards/shard-partial-file.js';
import type {CorpusDrift} from './corpus-source.js';
import type {ManifestInputFile} from './tokenizer-manifest.js';

export const WORD_COUNTS_TYPE = 'codex-ml.word-counts';
export const WORD_COUNTS_VERSION = 1;

/**
 * The settings that decide which words a corpus holds: the model (whose defaults fill what is null or empty),
 * the normalizer and the pre-tokenizer, named as their config keys. Counts made with other settings are other
 * words, and are never merged with these.
 */
export type CountingSettings = Readonly<Record<string, unknown>>;

/** The corpus every shard of one count reads (each reads only its share of it). */
export interface CountedCorpus {
  /** `TokenizerCache.corpusDigest`: the corpus part of the tokenizer cache key. */
  readonly digest: Checksum;
  /** Files and record sets as the tokenizer manifest records them, in corpus order. */
  readonly files: readonly ManifestInputFile[];
  readonly datasetIds: readonly string[];
  readonly parents: readonly string[];
  readonly drift: readonly CorpusDrift[];
}

/**
 * Word counts of one shard of a corpus (`tokenizer:count --shard i/n --out FILE`). `id` is the SHA-256 of the
 * canonical JSON without `id` (its content address, and proof it is whole); `job`, of the settings and corpus,
 * shared by every shard of one count. Words are sorted (UTF-16 code units) so equal counts are equal files.
 */
export interface WordCounts {
  readonly type: typeof WORD_COUNTS_TYPE;
  readonly version: typeof WORD_COUNTS_VERSION;
  readonly id: Checksum;
  readonly job: Checksum;
  readonly shard: Shard;
  readonly settings: CountingSettings;
  readonly corpus: CountedCorpus;
  /** What this shard read: bytes and non-empty lines. */
  readonly read: {readonly bytes: number; readonly lines: number};
  readonly words: readonly (readonly [string, number])[];
}

export interface LoadedWordCounts {
  readonly path: string;
  readonly counts: WordCounts;
}

/** The word-count partial's file format: its job is the settings and corpus every shard of one count shares. */
export const WORD_COUNTS: ShardPartialKind<WordCounts> = {
  type: WORD_COUNTS_TYPE,
  version: WORD_COUNTS_VERSION,
  described: 'a word-count partial',
  writtenBy: 'tokenizer:count --shard i/n --out FILE',
  jobOf: (body) => ({settings: body.settings, corpus: body.corpus}),
};

export function buildWordCounts(
  settings: CountingSettings,
  corpus: CountedCorpus,
  shard: Shard,
  read: WordCounts['read'],
  words: ReadonlyMap<string, number>,
): WordCounts {
  const sorted = [...words].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return addressPartial(WORD_COUNTS, {type: WORD_COUNTS_TYPE, version: WORD_COUNTS_VERSION, shard, settings, corpus, read, words: sorted});
}

export async function writeWordCounts(path: string, counts: WordCounts): Promise<void> {
  await writeShardPartial(path, counts);
}

export async function readWordCounts(path: string): Promise<LoadedWordCounts> {
  return {path, counts: await readShardPartial(path, WORD_COUNTS)};
}

/**
 * Checks that partials are the complete, non-overlapping shards of one count made with `settings`, and sums
 * them (words in sorted order). Every refusal is one line naming the partial and what is wrong.
 */
export function mergeWordCounts(
  loaded: readonly LoadedWordCounts[],
  settings: CountingSettings,
): {words: Map<string, number>; corpus: CountedCorpus; read: WordCounts['read']} {
  const [first] = loaded;
  if (first === undefined) {
    throw new CodexError('E_USAGE', 'no word-count partials given', {
      hint: 'pass the files tokenizer:count --shard i/n --out FILE wrote',
      exitCode: ExitCode.usage,
    });
  }
  const name = (entry: LoadedWordCounts) => basename(entry.path);
  for (const entry of loaded) {
    // The model first: other models have other keys, and the model is the difference worth naming.
    const keys = [...new Set([...Object.keys(settings), ...Object.keys(entry.counts.settings)])].sort((a, b) =>
      a === 'tokenizer.model' ? -1 : b === 'tokenizer.model' ? 1 : a < b ? -1 : a > b ? 1 : 0,
    );
    for (const key of keys) {
      if (canonicalJson(entry.counts.settings[key]) !== canonicalJson(settings[key])) {
        throw mergeError(
          `${name(entry)} was counted with ${key} ${JSON.stringify(entry.counts.settings[key]) ?? '(unset)'}, this training uses ${JSON.stringify(settings[key]) ?? '(unset)'}`,
          `count again with these settings, or train with ${key} as the partials were counted`,
        );
      }
    }
  }
  const reference = first.counts;
  const byIndex = new Map<number, LoadedWordCounts>();
  for (const entry of loaded) {
    if (entry.counts.job !== reference.job) {
      throw mergeError(`${name(entry)} counts another corpus than ${name(first)}`, 'merge only the partials of one tokenizer:count');
    }
    if (entry.counts.shard.count !== reference.shard.count) {
      throw mergeError(
        `${name(entry)} is shard ${formatShard(entry.counts.shard)}, but ${name(first)} is shard ${formatShard(reference.shard)}`,
        'merge the partials of one --shard i/n count',
      );
    }
    const twin = byIndex.get(entry.counts.shard.index);
    if (twin !== undefined) {
      throw mergeError(
        `${name(entry)} and ${name(twin)} both hold shard ${formatShard(entry.counts.shard)} (overlapping partials)`,
        'pass each shard once',
      );
    }
    byIndex.set(entry.counts.shard.index, entry);
  }
  const count = reference.shard.count;
  const missing = Array.from({length: count}, (_, index) => index).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw mergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing (${loaded.length} of ${count} partials given)`,
      'run tokenizer:count --shard for the missing shards, then merge all of them',
    );
  }
  const read = {bytes: 0, lines: 0};
  const summed = new Map<string, number>();
  for (let index = 0; index < count; index++) {
    const counts = (byIndex.get(index) as LoadedWordCounts).counts;
    read.bytes += counts.read.bytes;
    read.lines += counts.read.lines;
    for (const [word, occurrences] of counts.words) summed.set(word, (summed.get(word) ?? 0) + occurrences);
  }
  const words = new Map([...summed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {words, corpus: reference.corpus, read};
}

function mergeError(message: string, hint: string): CodexError {
  return new CodexError('E_PARTIAL', `cannot merge word counts: ${message}`, {
    hint: `${hint}; nothing was written`,
    exitCode: ExitCode.input,
  });
}
