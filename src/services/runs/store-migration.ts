import {isDeepStrictEqual} from 'node:util';
import {CodexError, ExitCode, type Manifest, type ManifestStore} from '@codex-ml/core';

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
  /** Replace target manifests that differ from the source; otherwise such a conflict stops the migration. */
  readonly overwrite?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Copies every manifest from one store to another. Idempotent: a second run copies nothing. Conflicts (same
 * run id, different content) are found before anything is written, so a refused migration changes nothing.
 * The copy is checked afterwards: every source run id must list in the target.
 */
export class StoreMigration {
  constructor(
    private readonly source: ManifestStore,
    private readonly target: ManifestStore,
  ) {}

  async run(options: MigrationOptions = {}): Promise<MigrationReport> {
    const summaries = await this.source.list();
    const pending: {manifest: Manifest; replace: boolean}[] = [];
    let unchanged = 0;
    for (const summary of summaries) {
      const manifest = await this.source.get(summary.runId);
      if (manifest === undefined) continue;
      const existing = await this.target.get(summary.runId).catch(() => undefined);
      if (existing === undefined) {
        pending.push({manifest, replace: false});
      } else if (isDeepStrictEqual(existing, manifest)) {
        unchanged++;
      } else if (options.overwrite) {
        pending.push({manifest, replace: true});
      } else {
        throw new CodexError(
          'E_EXISTS',
          `run ${summary.runId} is in both the ${this.source.name} and ${this.target.name} stores with different manifests`,
          {hint: 'pass --overwrite to replace the target’s copy; nothing was copied', exitCode: ExitCode.input},
        );
      }
    }
    for (const [index, {manifest, replace}] of pending.entries()) {
      await this.target.put(manifest, {replace});
      options.onProgress?.(index + 1, pending.length);
    }
    const listed = new Set((await this.target.list()).map((summary) => summary.runId));
    const lost = summaries.find((summary) => !listed.has(summary.runId));
    if (lost) {
      throw new CodexError('E_MIGRATE', `run ${lost.runId} is missing from the ${this.target.name} store after the copy`, {
        hint: 'the target store lost a write; check its disk and retry (the copy is idempotent)',
        exitCode: ExitCode.integrity,
      });
    }
    return {
      from: this.source.name,
      to: this.target.name,
      total: summaries.length,
      copied: pending.filter((entry) => !entry.replace).length,
      unchanged,
      replaced: pending.filter((entry) => entry.replace).length,
    };
  }
}
