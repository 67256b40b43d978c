import {CodexError, ExitCode} from '@codex-ml/core';
import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {formatTable} from '../../cli/table.js';
import {type ComparedValue, type RunComparison, RunComparisonService} from '../../services/runs/run-comparison.js';
import {resolveRunReference} from '../../services/runs/run-reference.js';

export default class RunsCompare extends CodexCommand<typeof RunsCompare> {
  static override summary = 'Compare runs side by side: the config that differs and their figures, curves overlaid in HTML';
  static override description =
    'Takes two or more runs (ids, unique prefixes, or latest) and prints one table of the config keys whose values ' +
    'differ between them and one of their figures: final loss, val loss, perplexity, tokens/s, wall time. --out ' +
    'writes a self-contained HTML report that overlays their train and val loss curves.';
  static override examples = [
    '<%= config.bin %> runs:compare 01J0ABCDEF 01J0GHJKMN',
    '<%= config.bin %> runs:compare 01J0ABCDEF 01J0GHJKMN 01J0PQRSTV --out compare.html',
  ];
  static override strict = false;
  static override contracts = ['manifest-store'] as const;
  static override args = {runs: Args.string({description: 'Runs to compare (two or more)', required: true})};
  static override flags = {
    out: Flags.string({description: 'Also write an HTML report overlaying the runs’ curves to this file'}),
  };

  async run(): Promise<RunComparison> {
    if (this.positional.length < 2) {
      throw new CodexError('E_USAGE', `runs:compare needs at least two runs, got ${this.positional.length}`, {
        hint: 'usage: codex runs:compare RUN RUN… [FLAGS]',
        exitCode: ExitCode.usage,
      });
    }
    const kernel = await this.kernel();
    const runsDir = kernel.config.get<string>('runs.dir');
    const ids = await Promise.all(this.positional.map((reference) => resolveRunReference(reference, runsDir)));
    const result = await kernel.resolve(RunComparisonService).compare(ids, {runsDir, report: this.flags.out});
    if (!this.jsonEnabled()) this.#print(result);
    return result;
  }

  #print(result: RunComparison): void {
    const header = ['', ...result.runs.map((run) => run.name ?? run.runId.slice(0, 10))];
    const show = (value: unknown) =>
      value === null || value === undefined
        ? '-'
        : typeof value === 'number'
          ? String(Number(value.toPrecision(6)))
          : JSON.stringify(value);
    const rows = (values: readonly ComparedValue[]) => values.map((row) => [row.key, ...row.values.map(show)]);
    this.log(`runs   ${result.runs.map((run) => `${run.runId} (${run.kind})`).join('  ')}`);
    this.log('');
    for (const line of formatTable(['figure', ...header.slice(1)], rows(result.metrics))) this.log(line);
    this.log('');
    if (result.config.length === 0) this.log(`config: the same in all ${result.sameConfig} keys`);
    else for (const line of formatTable(['config', ...header.slice(1)], rows(result.config))) this.log(line);
    if (result.config.length > 0) this.log(`(${result.sameConfig} other keys are the same)`);
    if (result.report !== null) this.log(`report: ${result.report}`);
  }
}
