import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {ModelReportService} from '../../services/runs/report/model-report.js';
import {type RunReport, RunReportService} from '../../services/runs/report/run-report-service.js';

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
  // The model part loads the run's checkpoint, verified with the hasher.
  static override contracts = ['manifest-store', 'hasher'] as const;
  static override args = {id: Args.string({description: 'Run id (ULID)', required: true})};
  static override flags = {
    out: Flags.string({description: 'Output file (default: <runs.dir>/<id>/report.html)'}),
    samples: Flags.integer({description: 'Sample generations shown for a training or evaluation run (0: none)', default: 3, min: 0}),
    'sample-tokens': Flags.integer({description: 'Most tokens per sample', default: 48, min: 1}),
    seed: Flags.integer({description: 'Seed of the samples', default: 0}),
  };

  async run(): Promise<RunReport> {
    const kernel = await this.kernel();
    const runsDir = kernel.config.get<string>('runs.dir');
    const models = kernel.resolve(ModelReportService);
    const report = await kernel.resolve(RunReportService).write(this.args.id, {
      runsDir,
      out: this.flags.out,
      model: (root) =>
        models.build(root, runsDir, {
          samples: this.flags.samples,
          maxTokens: this.flags['sample-tokens'],
          seed: this.flags.seed,
          cacheDir: kernel.config.get<string>('cache.dir'),
          onWarning: (message) => this.warnLine(message),
        }),
    });
    if (!this.jsonEnabled()) this.log(`report of run ${report.runId} written to ${report.path} (${report.sections.join(', ')})`);
    return report;
  }
}
