import {mkdir, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {BackendOptions, Manifest, ManifestQuery, ManifestStore, ManifestSummary} from '@codex-ml/core';

/**
 * A manifest store with the classic mistakes, to prove the conformance suite catches them: `put` overwrites
 * an existing run silently and writes in place (a reader can see a half-written file), and `get` turns a
 * corrupt manifest into "not found" instead of an error.
 */
export class FakeCarelessManifestStore implements ManifestStore {
  readonly name = 'careless';

  constructor(private readonly dir: string) {}

  static create(options: BackendOptions): FakeCarelessManifestStore {
    return new FakeCarelessManifestStore(String(options['dir']));
  }

  async put(manifest: Manifest): Promise<void> {
    await mkdir(join(this.dir, manifest.runId), {recursive: true});
    await writeFile(join(this.dir, manifest.runId, 'manifest.json'), JSON.stringify(manifest));
  }

  async get(runId: string): Promise<Manifest | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, runId, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      return undefined;
    }
  }

  async list(query: ManifestQuery = {}): Promise<ManifestSummary[]> {
    const summaries: ManifestSummary[] = [];
    for (const runId of (await readdir(this.dir)).sort()) {
      const manifest = await this.get(runId);
      if (!manifest || (query.kind !== undefined && manifest.kind !== query.kind)) continue;
      if (query.parent !== undefined && !manifest.parents.includes(query.parent)) continue;
      const datasetIds = [manifest['datasetId'], ...((manifest['datasetIds'] as string[] | undefined) ?? [])].filter(
        (id): id is string => typeof id === 'string',
      );
      if (query.datasetId !== undefined && !datasetIds.includes(query.datasetId)) continue;
      summaries.push({runId, kind: manifest.kind, createdAt: manifest.createdAt, parents: manifest.parents, datasetIds});
    }
    if (query.newestFirst) summaries.reverse();
    return query.limit === undefined ? summaries : summaries.slice(0, query.limit);
  }

  async delete(runId: string): Promise<boolean> {
    const existed = (await this.get(runId)) !== undefined;
    await rm(join(this.dir, runId), {recursive: true, force: true});
    return existed;
  }

  async close(): Promise<void> {}
}
