import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {type RunReport, RunReportService} from '../../services/runs/report/run-report-service.js';

export default class RunsReport extends CodexCommand<typeof RunsReport> {
  static override summary = 'Write a self-contained HTML report of a run (curves, splits, tokenizer, lineage, config)';
  static override description =
    'One HTML file with inline SVG charts and no network access: loss and val-loss curves, learning rate and tokens/s ' +
    'from metrics.ndjson, split sizes per category from the data run, tokenizer statistics, the lineage graph and the ' +
    'config. Parts come from the run or its nearest ancestor that has them.';
  static override examples = [
    '<%= config.bin %> runs:report 01J0ABCDEFGHJKMNPQRSTVWXYZ',
    '<%= config.bin %> runs:report 01J0ABCDEFGHJKMNPQRSTVWXYZ --out report.html',
  ];
  static override contracts = ['manifest-store'] as const;
  static override args = {id: Args.string({description: 'Run id (ULID)', required: true})};
  static override flags = {out: Flags.string({description: 'Output file (default: <runs.dir>/<id>/report.html)'})};

  async run(): Promise<RunReport> {
    const kernel = await this.kernel();
    const report = await kernel
      .resolve(RunReportService)
      .write(this.args.id, {runsDir: kernel.config.get<string>('runs.dir'), out: this.flags.out});
    if (!this.jsonEnabled()) this.log(`report of run ${report.runId} written to ${report.path} (${report.sections.join(', ')})`);
    return report;
  }
}
