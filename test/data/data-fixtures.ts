import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {type CliResult, runCli} from '../helpers/run-cli.js';

/** What `prepare-data --json` prints. */
export interface PrepareJson {
  runId: string;
  manifest: string;
  runDir: string;
  datasetId: string;
  splitter: string;
  seed: number;
  itemCount: number;
  bytes: number;
  counts: Record<string, number>;
  splits: Array<{name: string; items: number; bytes: number; labels?: Record<string, number>}>;
  cachedItems: number;
}

/** What `data:verify --json` prints. */
export interface VerifyJson {
  runId: string;
  ok: boolean;
  checked: number;
  cachedItems: number;
  changed: string[];
  missing: string[];
  added: string[];
  mappingsChanged: string[];
  artifactsChanged: string[];
  datasetId: string;
  currentDatasetId: string;
}

/** Writes files (relative POSIX path → content) under `root`, in the order given. */
export async function writeTree(root: string, files: ReadonlyArray<readonly [string, string | Uint8Array]>): Promise<void> {
  for (const [id, content] of files) {
    const path = join(root, ...id.split('/'));
    await mkdir(dirname(path), {recursive: true});
    await writeFile(path, content);
  }
}

/** `count` small text files with distinct contents in a few subdirectories. */
export function sampleFiles(count: number, prefix = 'doc'): Array<[string, string]> {
  return Array.from({length: count}, (_, i) => [
    `${['a', 'b', 'c'][i % 3]}/${prefix}-${String(i).padStart(4, '0')}.txt`,
    `text number ${i}\n${'x'.repeat(i % 17)}\n`,
  ]);
}

/** Runs `codex <args> --json` in `cwd` and parses stdout; the result keeps the raw process outcome too. */
export async function runJson<T>(args: readonly string[], cwd: string): Promise<{json: T; result: CliResult}> {
  const result = await runCli([...args, '--json'], {cwd});
  let json: T;
  try {
    json = JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `codex ${args.join(' ')} printed no JSON (exit ${result.code}): ${result.stdout.slice(0, 300)} ${result.stderr.slice(0, 600)}`,
    );
  }
  return {json, result};
}

/** id → split of a run, from its manifest (inline items). */
export async function membershipOf(manifestPath: string): Promise<Map<string, string>> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {items: Array<{id: string; split: string}>};
  return new Map(manifest.items.map((item) => [item.id, item.split]));
}
