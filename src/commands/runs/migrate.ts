import {Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
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
    const kernel = await this.kernel();
    const report = await kernel.resolve(StoreMigration).run({from: this.flags.from, to: this.flags.to, overwrite: this.flags.overwrite});
    if (!this.jsonEnabled()) {
      this.log(
        `${report.from} → ${report.to}: ${report.total} manifests, ${report.copied} copied, ${report.unchanged} already there` +
          (report.replaced > 0 ? `, ${report.replaced} replaced` : ''),
      );
    }
    return report;
  }
}
