import {lstat} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {type Lease, acquireLease, isRunId} from '@codex-ml/core';

/**
 * Leases on the runs a command reads (its future parents), taken before any work and held until the command
 * has recorded its own run: `runs:gc` never removes a leased run, so a run never names a parent that gc
 * removed while it worked. Inputs that are not run directories (plain files, folders) need no lease.
 */
export class InputLeases {
  readonly #leases: Lease[] = [];

  /** Leases the run each spec names (a run id in `runsDir`, a run directory, or a file inside one). */
  static async take(specs: readonly string[], runsDir: string): Promise<InputLeases> {
    const leases = new InputLeases();
    try {
      for (const spec of specs) {
        const directory = await runDirectoryOf(spec, runsDir);
        if (directory) await leases.add(directory);
      }
    } catch (error) {
      await leases.release();
      throw error;
    }
    return leases;
  }

  /** Leases one more run directory (found after the inputs were read); a directory already leased is skipped. */
  async add(directory: string): Promise<void> {
    const path = resolve(directory);
    if (this.#leases.some((lease) => lease.runDir === path)) return;
    this.#leases.push(await acquireLease(path, `run ${basename(path)}`));
  }

  get directories(): string[] {
    return this.#leases.map((lease) => lease.runDir);
  }

  async release(): Promise<void> {
    for (const lease of this.#leases.splice(0)) await lease.release();
  }
}

/**
 * The run directory an input spec names, when it names one: a run id (in `runsDir`, unless a file of that name
 * exists), a directory named by a run id, or a file directly inside such a directory. Links are not leased.
 */
export async function runDirectoryOf(spec: string, runsDir: string): Promise<string | undefined> {
  const info = await lstat(spec).catch(() => undefined);
  let directory: string;
  if (info === undefined && isRunId(spec)) directory = join(resolve(runsDir), spec);
  else if (info?.isDirectory()) directory = resolve(spec);
  else if (info?.isFile()) directory = dirname(resolve(spec));
  else return undefined;
  if (!isRunId(basename(directory))) return undefined;
  const found = await lstat(directory).catch(() => undefined);
  return found?.isDirectory() ? directory : undefined;
}
