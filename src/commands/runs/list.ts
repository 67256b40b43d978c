import {Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {Interrupts} from '../../cli/interrupts.js';
import {escapeControls} from '../../cli/terminal-text.js';
import {failedRuns} from '../../services/runs/failed-run.js';
import {RunCatalog, type RunList} from '../../services/runs/run-catalog.js';
import {explainStoreFailure} from '../../services/runs/store-coverage.js';

export default class RunsList extends CodexCommand<typeof RunsList> {
  static override summary = 'List runs from the manifest store, oldest first';
  static override description = 'Filters combine (all must match) and use the store’s indexes: --kind, --dataset, --parent.';
  static override examples = [
    '<%= config.bin %> runs:list',
    '<%= config.bin %> runs:list --kind training --newest --limit 5',
    '<%= config.bin %> runs:list --parent 01J0ABCDEFGHJKMNPQRSTVWXYZ --json',
  ];
  static override contracts = ['manifest-store'] as const;
  static override flags = {
    kind: Flags.string({description: 'Only runs of this kind (data, tokenizer, training, …)'}),
    dataset: Flags.string({description: 'Only runs that record this dataset id'}),
    parent: Flags.string({description: 'Only runs that consumed this run'}),
    newest: Flags.boolean({description: 'Newest first'}),
    limit: Flags.integer({description: 'At most this many runs', min: 1}),
  };

  async run(): Promise<RunList> {
    const config = await this.configure();
    const runsDir = config.get<string>('runs.dir');
    const kernel = await this.kernel(config).catch(async (error: unknown) => {
      throw await explainStoreFailure(error, config.get<string>('manifest.store'), runsDir);
    });
    const catalog = kernel.resolve(RunCatalog);
    const query = {
      kind: this.flags.kind,
      datasetId: this.flags.dataset,
      parent: this.flags.parent,
      newestFirst: this.flags.newest,
      limit: this.flags.limit,
    };
    const result = await catalog.list(query);
    const {runs} = result;
    // An index that lists nothing while run directories exist is never shown as "no runs".
    const unfiltered = query.kind === undefined && query.datasetId === undefined && query.parent === undefined && query.limit === undefined;
    if (unfiltered || runs.length === 0) {
      const warning = await catalog.coverageWarning(runsDir, unfiltered ? runs.length : undefined);
      if (warning) this.warnLine(warning);
    }
    // Failed runs have no manifest, so no store lists them: they come from the run directories.
    const failed = unfiltered || query.kind === 'failed' ? await failedRuns(runsDir) : [];
    if (!this.jsonEnabled()) {
      if (runs.length === 0 && failed.length === 0) this.log('no runs');
      const width = Math.max(6, ...runs.map((run) => run.kind.length));
      for (const run of runs) {
        const parents = run.parents.length > 0 ? `  ← ${run.parents.join(', ')}` : '';
        const datasets = run.datasetIds.length > 0 ? `  [${run.datasetIds.join(', ')}]` : '';
        this.log(`${run.runId}  ${run.kind.padEnd(width)}  ${run.createdAt}${datasets}${parents}`);
      }
      for (const run of failed) this.log(`${run.runId}  ${'failed'.padEnd(width)}  ${run.at}  ${run.code}: ${escapeControls(run.message)}`);
    }
    return {...result, failed};
  }

  /**
   * oclif colorizes JSON token by token, which costs about a second for 10,000 runs; colour means nothing when
   * stdout is a pipe or file, so print plain JSON there.
   */
  override logJson(json: unknown): void {
    if (process.stdout.isTTY || Interrupts.stopping) super.logJson(json);
    else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }
}
