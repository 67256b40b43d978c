import {isDeepStrictEqual} from 'node:util';
import {Backends, CodexError, ExitCode, type Manifest, type ManifestStore} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';

export interface MigrationReport {
  readonly from: string;
  readonly to: string;
  /** Manifests in the source store. */
  readonly total: number;
  readonly copied: number;
  /** Already in the target with identical content. */
  readonly unchanged: number;
  /** Different in the target and overwritten (`overwrite` only). */
  readonly replaced: number;
}

export interface MigrationOptions {
  /** Manifest store backends to copy from and to; both over `runs.dir`, each with its own config block. */
  readonly from: string;
  readonly to: string;
  /** Replace target manifests that differ from the source; otherwise such a conflict stops the migration. */
  readonly overwrite?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Copies every manifest from one store to another. Idempotent: a second run copies nothing. Conflicts (same
 * run id, different content) are found before anything is written, so a refused migration changes nothing.
 * The copy is checked afterwards: every source run id must list in the target. Two stores at once, neither
 * necessarily the configured one: both come through `Backends`.
 */
@injectable()
export class StoreMigration {
  constructor(@inject(Backends) private readonly backends: Backends) {}

  async run(options: MigrationOptions): Promise<MigrationReport> {
    if (options.from === options.to) {
      throw new CodexError('E_USAGE', `--from and --to are both ${options.from}`, {
        hint: 'name two different stores',
        exitCode: ExitCode.usage,
      });
    }
    const source = await this.backends.open('manifest-store', options.from, '--from');
    const target = await this.backends.open('manifest-store', options.to, '--to');
    return await copy(source, target, options);
  }
}

async function copy(source: ManifestStore, target: ManifestStore, options: MigrationOptions): Promise<MigrationReport> {
  const summaries = await source.list();
  const pending: {manifest: Manifest; replace: boolean}[] = [];
  let unchanged = 0;
  for (const summary of summaries) {
    const manifest = await source.get(summary.runId);
    if (manifest === undefined) continue;
    const existing = await target.get(summary.runId).catch(() => undefined);
    if (existing === undefined) {
      pending.push({manifest, replace: false});
    } else if (isDeepStrictEqual(existing, manifest)) {
      unchanged++;
    } else if (options.overwrite) {
      pending.push({manifest, replace: true});
    } else {
      throw new CodexError(
        'E_EXISTS',
        `run ${summary.runId} is in both the ${source.name} and ${target.name} stores with different manifests`,
        {hint: 'pass --overwrite to replace the target’s copy; nothing was copied', exitCode: ExitCode.input},
      );
    }
  }
  for (const [index, {manifest, replace}] of pending.entries()) {
    await target.put(manifest, {replace});
    options.onProgress?.(index + 1, pending.length);
  }
  const listed = new Set((await target.list()).map((summary) => summary.runId));
  const lost = summaries.find((summary) => !listed.has(summary.runId));
  if (lost) {
    throw new CodexError('E_MIGRATE', `run ${lost.runId} is missing from the ${target.name} store after the copy`, {
      hint: 'the target store lost a write; check its disk and retry (the copy is idempotent)',
      exitCode: ExitCode.integrity,
    });
  }
  return {
    from: source.name,
    to: target.name,
    total: summaries.length,
    copied: pending.filter((entry) => !entry.replace).length,
    unchanged,
    replaced: pending.filter((entry) => entry.replace).length,
  };
}
