import {type BigIntStats, statSync} from 'node:fs';
import {type Artifact, type Hasher, ParallelFileHasher, fileError, formatChecksum} from '@codex-ml/core';
import type {StatCache} from './stat-cache.js';

export interface FileChecksum extends Artifact {
  /** True when the digest came from the stat cache. */
  readonly cached: boolean;
}

export interface FileChecksumOptions {
  /** Read and update this cache; undefined hashes every file and remembers nothing. */
  readonly cache?: StatCache;
  /** Refresh the cache without trusting it (`--no-cache` still leaves a warm cache behind). */
  readonly refresh?: boolean;
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Checksums of many files with the bound hasher: stat cache hits first, then every miss streamed through
 * `ParallelFileHasher` on all cores. Results come back in input order.
 */
export class FileChecksums {
  constructor(private readonly hasher: Hasher) {}

  async checksum(paths: readonly string[], options: FileChecksumOptions = {}): Promise<FileChecksum[]> {
    const infos = statAll(paths);
    const results = new Array<FileChecksum>(paths.length);
    const misses: number[] = [];
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i] as string;
      const info = infos[i] as BigIntStats;
      const hex = options.refresh ? undefined : options.cache?.lookup(path, info);
      if (hex === undefined) misses.push(i);
      else results[i] = {path, bytes: Number(info.size), checksum: formatChecksum(this.hasher.algorithm, hex), cached: true};
    }
    const startNs = BigInt(Date.now()) * 1_000_000n;
    const files = misses.map((i) => ({path: paths[i] as string, size: Number((infos[i] as BigIntStats).size)}));
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const digests = await new ParallelFileHasher(this.hasher).hashFiles(files, {
      threads: options.threads,
      onProgress: (done) => options.onProgress?.(done, total),
    });
    // Re-stat before caching: a file that changed while it was read must not be remembered with the old stat.
    const after = options.cache ? statAll(files.map((file) => file.path)) : [];
    digests.forEach((digest, k) => {
      const i = misses[k] as number;
      results[i] = {path: digest.path, bytes: digest.bytes, checksum: formatChecksum(this.hasher.algorithm, digest.hex), cached: false};
      const before = infos[i] as BigIntStats;
      const now = after[k];
      if (options.cache && now && sameStat(before, now) && Number(now.size) === digest.bytes) {
        options.cache.record(digest.path, now, digest.hex, startNs);
      }
    });
    if (options.cache && misses.length > 0) await options.cache.save();
    return results;
  }
}

/**
 * One blocking stat per file. On a cached re-verify stats are nearly all the work, and a blocking stat (a few
 * microseconds) is several times cheaper than a promise through the thread pool; nothing else runs meanwhile.
 */
function statAll(paths: readonly string[]): BigIntStats[] {
  const infos = new Array<BigIntStats>(paths.length);
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i] as string;
    try {
      infos[i] = statSync(path, {bigint: true});
    } catch (error) {
      throw fileError(path, error);
    }
  }
  return infos;
}

function sameStat(a: BigIntStats, b: BigIntStats): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}
