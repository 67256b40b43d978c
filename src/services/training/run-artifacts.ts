import {readFile, readdir} from 'node:fs/promises';
import {join, relative, sep} from 'node:path';
import {type Hasher, fileError, type Artifact, checksumOf} from '@codex-ml/core';

/**
 * Lists the files a training run produced, with checksums, sorted by path. Hidden entries (the run lock,
 * temp files of interrupted writes) and the run manifest itself are not artifacts.
 */
export class RunArtifacts {
  constructor(
    private readonly runPath: string,
    private readonly hasher: Hasher,
  ) {}

  async list(): Promise<Artifact[]> {
    const files: string[] = [];
    await this.#walk(this.runPath, files);
    const artifacts: Artifact[] = [];
    for (const file of files.sort()) {
      const path = relative(this.runPath, file).split(sep).join('/');
      if (path === 'manifest.json') continue;
      const bytes = await readFile(file).catch((error: unknown) => {
        throw fileError(file, error);
      });
      artifacts.push({path, checksum: checksumOf(this.hasher, bytes), bytes: bytes.byteLength});
    }
    return artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async #walk(directory: string, out: string[]): Promise<void> {
    for (const entry of await readdir(directory, {withFileTypes: true})) {
      if (entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await this.#walk(path, out);
      else if (entry.isFile()) out.push(path);
    }
  }
}
