import {resolve} from 'node:path';
import {Args, Flags} from '@oclif/core';
import {writeFileAtomic} from '@codex-ml/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {bindManifestStore} from '../../services/runs/manifest-store-options.js';
import {runDirectoryOf} from '../../services/runs/run-artifacts.js';
import {type ReportSection, renderHtmlReport} from '../../services/runs/report/html-report.js';
import {ModelReportService} from '../../services/runs/report/model-report.js';
import {RunReportBuilder} from '../../services/runs/report/run-report-builder.js';
import {RunCatalog} from '../../services/runs/run-catalog.js';

export interface RunsReportResult {
  readonly runId: string;
  readonly path: string;
  readonly bytes: number;
  /** Sections the report contains; parts no run in the lineage has are left out. */
  readonly sections: readonly ReportSection[];
  readonly metricsLines: number;
}

export default class RunsReport extends CodexCommand<typeof RunsReport> {
  static override summary = 'Write a self-contained HTML report of a run (model, samples, curves, splits, tokenizer, lineage, config)';
  static override description =
    'One HTML file with inline SVG charts and no network access: for a training or evaluation run a summary card ' +
    '(final losses, perplexity, tokens/s, wall time, parameters) and seeded sample generations; loss and val-loss curves, learning rate and tokens/s ' +
    'from metrics.ndjson, split sizes per category from the data run, tokenizer statistics, the lineage graph and the ' +
    'config. Parts come from the run or its nearest ancestor that has them.';
  static override examples = [
    '<%= config.bin %> runs:report 01J0ABCDEFGHJKMNPQRSTVWXYZ',
    '<%= config.bin %> runs:report 01J0ABCDEFGHJKMNPQRSTVWXYZ --out report.html',
  ];
  static override args = {id: Args.string({description: 'Run id (ULID)', required: true})};
  static override flags = {
    out: Flags.string({description: 'Output file (default: <runs.dir>/<id>/report.html)'}),
    samples: Flags.integer({description: 'Sample generations shown for a training or evaluation run (0: none)', default: 3, min: 0}),
    'sample-tokens': Flags.integer({description: 'Most tokens per sample', default: 48, min: 1}),
    seed: Flags.integer({description: 'Seed of the samples', default: 0}),
  };

  async run(): Promise<RunsReportResult> {
    const config = this.resolveConfig();
    const kernel = await this.kernel(config);
    await bindManifestStore(kernel);
    const runsDir = config.get<string>('runs.dir');
    const builder = kernel.resolve(RunReportBuilder);
    const data = await builder.build(this.args.id, runsDir);
    const model = await new ModelReportService(kernel).build(await kernel.resolve(RunCatalog).manifest(data.runId), runsDir, {
      samples: this.flags.samples,
      maxTokens: this.flags['sample-tokens'],
      seed: this.flags.seed,
      onWarning: (message) => this.warnLine(message),
    });
    const {html, sections} = renderHtmlReport(data, model);
    const path = resolve(this.flags.out ?? `${runDirectoryOf(runsDir, data.runId)}/report.html`);
    await writeFileAtomic(path, html);
    if (!this.jsonEnabled()) this.log(`report of run ${data.runId} written to ${path} (${sections.join(', ')})`);
    return {runId: data.runId, path, bytes: Buffer.byteLength(html), sections, metricsLines: data.metrics?.value.lines.length ?? 0};
  }
}
