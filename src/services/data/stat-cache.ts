import type {BigIntStats} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {writeFileAtomic} from '@codex-ml/core';

/** size, mtime (ns), ctime (ns), inode, device, hex digest. */
type Entry = [size: string, mtimeNs: string, ctimeNs: string, ino: string, dev: string, hex: string];

interface CacheFile {
  readonly version: 1;
  readonly algorithm: string;
  readonly entries: Record<string, Entry>;
}

/**
 * Remembers each file's digest with the stat fields that change whenever its bytes do: size, mtime, ctime,
 * inode and device. A hit skips reading the file, so re-verifying unchanged data costs one stat per file.
 *
 * Racy entries are not trusted (the "racy git" problem): a file changed within the file system's timestamp
 * granularity of when it was hashed keeps its mtime. So an entry is only stored when the file's mtime and
 * ctime are older than the hashing start by more than the granularity — 2 s when the timestamps have no
 * sub-second part (FAT, some network file systems), 50 ms otherwise.
 *
 * Kept in `<cache.dir>/stat/<algorithm>.json`, keyed by absolute path. It is only a cache: an unreadable file
 * is treated as empty, and two processes saving at once just lose some entries.
 */
export class StatCache {
  private constructor(
    private readonly path: string,
    private readonly algorithm: string,
    private readonly entries: Map<string, Entry>,
  ) {}

  static async open(cacheDir: string, algorithm: string): Promise<StatCache> {
    const path = join(cacheDir, 'stat', `${algorithm}.json`);
    const entries = new Map<string, Entry>();
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheFile>;
      if (parsed.version === 1 && parsed.algorithm === algorithm && typeof parsed.entries === 'object' && parsed.entries !== null) {
        for (const [file, entry] of Object.entries(parsed.entries))
          if (Array.isArray(entry) && entry.length === 6) entries.set(file, entry);
      }
    } catch {
      // Missing or damaged: start empty.
    }
    return new StatCache(path, algorithm, entries);
  }

  /** The cached hex digest when `info` still matches what was recorded for `file`. */
  lookup(file: string, info: BigIntStats): string | undefined {
    const entry = this.entries.get(file);
    if (!entry) return undefined;
    const [size, mtime, ctime, ino, dev, hex] = entry;
    const same =
      size === String(info.size) &&
      mtime === String(info.mtimeNs) &&
      ctime === String(info.ctimeNs) &&
      ino === String(info.ino) &&
      dev === String(info.dev);
    return same ? hex : undefined;
  }

  /** Records a digest computed from the bytes `info` describes, unless the entry would be racy. */
  record(file: string, info: BigIntStats, hex: string, hashStartNs: bigint): void {
    // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints.
    const changedAt = info.mtimeNs > info.ctimeNs ? info.mtimeNs : info.ctimeNs;
    const coarse = info.mtimeNs % 1_000_000_000n === 0n && info.ctimeNs % 1_000_000_000n === 0n;
    const granularity = coarse ? 2_000_000_000n : 50_000_000n;
    if (hashStartNs - changedAt <= granularity) {
      this.entries.delete(file);
      return;
    }
    this.entries.set(file, [String(info.size), String(info.mtimeNs), String(info.ctimeNs), String(info.ino), String(info.dev), hex]);
  }

  async save(): Promise<void> {
    const file: CacheFile = {version: 1, algorithm: this.algorithm, entries: Object.fromEntries(this.entries)};
    await writeFileAtomic(this.path, JSON.stringify(file));
  }
}
