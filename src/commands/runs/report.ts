import {resolve} from 'node:path';
import {Args, Flags} from '@oclif/core';
import {writeFileAtomic} from '@codex-ml/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {runDirectoryOf} from '../../services/runs/run-artifacts.js';
import {type ReportSection, renderHtmlReport} from '../../services/runs/report/html-report.js';
import {RunReportBuilder} from '../../services/runs/report/run-report-builder.js';

export interface RunsReportResult {
  readonly runId: string;
  readonly path: string;
  readonly bytes: number;
  /** Sections the report contains; parts no run in the lineage has are left out. */
  readonly sections: readonly ReportSection[];
  readonly metricsLines: number;
}

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

  async run(): Promise<RunsReportResult> {
    const kernel = await this.kernel();
    const runsDir = kernel.config.get<string>('runs.dir');
    const data = await kernel.resolve(RunReportBuilder).build(this.args.id, runsDir);
    const {html, sections} = renderHtmlReport(data);
    const path = resolve(this.flags.out ?? `${runDirectoryOf(runsDir, data.runId)}/report.html`);
    await writeFileAtomic(path, html);
    if (!this.jsonEnabled()) this.log(`report of run ${data.runId} written to ${path} (${sections.join(', ')})`);
    return {runId: data.runId, path, bytes: Buffer.byteLength(html), sections, metricsLines: data.metrics?.value.lines.length ?? 0};
  }
}
