import {Flags} from '@oclif/core';
import {CodexError, ExitCode} from '@codex-ml/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {openManifestStore} from '../../services/runs/manifest-store-options.js';
import {type MigrationReport, StoreMigration} from '../../services/runs/store-migration.js';

export default class RunsMigrate extends CodexCommand<typeof RunsMigrate> {
  static override summary = 'Copy every run manifest from one manifest store to another';
  static override description =
    'Idempotent: manifests already in the target are skipped. A run present in both with different content stops the ' +
    'copy before anything is written, unless --overwrite. Run directories are not touched. Afterwards set ' +
    'manifest.store to the target to use it.';
  static override examples = ['<%= config.bin %> runs:migrate --from fs --to sqlite'];
  static override flags = {
    from: Flags.string({description: 'Source manifest store backend', required: true}),
    to: Flags.string({description: 'Target manifest store backend', required: true}),
    overwrite: Flags.boolean({description: 'Replace target manifests that differ from the source'}),
  };

  async run(): Promise<MigrationReport> {
    if (this.flags.from === this.flags.to) {
      throw new CodexError('E_USAGE', `--from and --to are both ${this.flags.from}`, {
        hint: 'name two different stores',
        exitCode: ExitCode.usage,
      });
    }
    const kernel = await this.kernel();
    const source = await openManifestStore(kernel, this.flags.from, '--from');
    try {
      const target = await openManifestStore(kernel, this.flags.to, '--to');
      try {
        const report = await new StoreMigration(source, target).run({overwrite: this.flags.overwrite});
        if (!this.jsonEnabled()) {
          this.log(
            `${report.from} → ${report.to}: ${report.total} manifests, ${report.copied} copied, ${report.unchanged} already there` +
              (report.replaced > 0 ? `, ${report.replaced} replaced` : ''),
          );
        }
        return report;
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  }
}
