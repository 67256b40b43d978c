import {Flags} from '@oclif/core';
import type {ManifestSummary} from '@codex-ml/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {Interrupts} from '../../cli/interrupts.js';
import {escapeControls} from '../../cli/terminal-text.js';
import {type RunFailure, failedRuns} from '../../services/runs/failed-run.js';
import {RunCatalog} from '../../services/runs/run-catalog.js';
import {bindCheckedManifestStore, checkStoreCoverage} from '../../services/runs/store-coverage.js';

export interface RunsListResult {
  readonly store: string;
  readonly runs: readonly ManifestSummary[];
  /** Runs whose command failed after creating them (no manifest; `runs:gc` removes them). */
  readonly failed: readonly (RunFailure & {readonly runId: string})[];
}

export default class RunsList extends CodexCommand<typeof RunsList> {
  static override summary = 'List runs from the manifest store, oldest first';
  static override description = 'Filters combine (all must match) and use the store’s indexes: --kind, --dataset, --parent.';
  static override examples = [
    '<%= config.bin %> runs:list',
    '<%= config.bin %> runs:list --kind training --newest --limit 5',
    '<%= config.bin %> runs:list --parent 01J0ABCDEFGHJKMNPQRSTVWXYZ --json',
  ];
  static override flags = {
    kind: Flags.string({description: 'Only runs of this kind (data, tokenizer, training, …)'}),
    dataset: Flags.string({description: 'Only runs that record this dataset id'}),
    parent: Flags.string({description: 'Only runs that consumed this run'}),
    newest: Flags.boolean({description: 'Newest first'}),
    limit: Flags.integer({description: 'At most this many runs', min: 1}),
  };

  async run(): Promise<RunsListResult> {
    const kernel = await this.kernel();
    const runsDir = kernel.config.get<string>('runs.dir');
    const store = await bindCheckedManifestStore(kernel, runsDir);
    const query = {
      kind: this.flags.kind,
      datasetId: this.flags.dataset,
      parent: this.flags.parent,
      newestFirst: this.flags.newest,
      limit: this.flags.limit,
    };
    const runs = await kernel.resolve(RunCatalog).list(query);
    // An index that lists nothing while run directories exist is never shown as "no runs".
    const unfiltered = query.kind === undefined && query.datasetId === undefined && query.parent === undefined && query.limit === undefined;
    if (unfiltered || runs.length === 0) {
      const warning = await checkStoreCoverage(store, runsDir, unfiltered ? {listed: runs.length} : {});
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
    return {store: store.name, runs, failed};
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
