import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {type Checksum, type Hasher, errnoCode, fileError, parseChecksum, writeFileAtomic, canonicalJson, checksumOf} from '@codex-ml/core';

export type StageName = 'train' | 'evaluate';

export interface StageCacheEntry {
  readonly stage: StageName;
  readonly key: Checksum;
  readonly runId: string;
  readonly createdAt: string;
}

/**
 * Content-addressed memory of pipeline stages that have no cache of their own: `<dir>/<stage>-<algo>-<hex>.json`
 * names the run that produced the stage's output for a key. The key is a digest of the stage's inputs by
 * content (artifact checksums, split item checksums, config), never of run ids, so a new run of an upstream
 * stage with identical output still hits. Callers verify the named run before trusting an entry.
 */
export class StageCache {
  constructor(
    private readonly dir: string,
    private readonly hasher: Hasher,
  ) {}

  key(stage: StageName, inputs: unknown): Checksum {
    return checksumOf(this.hasher, canonicalJson({stage, inputs}));
  }

  async lookup(stage: StageName, key: Checksum): Promise<StageCacheEntry | undefined> {
    const path = this.#path(stage, key);
    try {
      const entry = JSON.parse(await readFile(path, 'utf8')) as Partial<StageCacheEntry>;
      return entry.stage === stage && entry.key === key && typeof entry.runId === 'string' ? (entry as StageCacheEntry) : undefined;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError) return undefined;
      throw fileError(path, error);
    }
  }

  async record(stage: StageName, key: Checksum, runId: string): Promise<void> {
    const entry: StageCacheEntry = {stage, key, runId, createdAt: new Date().toISOString()};
    await writeFileAtomic(this.#path(stage, key), `${JSON.stringify(entry, null, 2)}\n`);
  }

  #path(stage: StageName, key: Checksum): string {
    const {algorithm, hex} = parseChecksum(key, 'stage cache key');
    return join(this.dir, `${stage}-${algorithm}-${hex}.json`);
  }
}
