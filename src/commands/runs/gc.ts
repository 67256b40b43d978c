import {Flags} from '@oclif/core';
import {formatBytes, formatCount} from '../../cli/format.js';
import {resolveRunReference} from '../../services/runs/run-reference.js';
import {CodexCommand} from '../../cli/codex-command.js';
import {type CollectOptions, type CollectPlan, RunCollector} from '../../services/runs/run-collector.js';
import {explainStoreFailure} from '../../services/runs/store-coverage.js';

export interface RunsGcResult extends CollectPlan {
  readonly applied: boolean;
}

export default class RunsGc extends CodexCommand<typeof RunsGc> {
  static override summary = 'Remove runs that no kept run depends on (dry run unless --apply)';
  static override description =
    'Kept runs are those named with --keep plus the newest --keep-last runs of every kind (default 1). A kept run keeps ' +
    'all its ancestors (the runs it consumed, transitively), however old. gc reads each run directory’s own manifest, ' +
    'never only the index; runs in use by another command (writing them, or reading them as inputs) and unfinished ' +
    'runs stay, with their ancestors. Everything else is listed, and removed (manifest and run directory) only with ' +
    '--apply. A manifest store that cannot be read or lists no runs while run directories exist stops gc.';
  static override examples = [
    '<%= config.bin %> runs:gc',
    '<%= config.bin %> runs:gc --keep 01J0ABCDEFGHJKMNPQRSTVWXYZ --keep-last 0 --apply',
  ];
  static override contracts = ['manifest-store'] as const;
  static override flags = {
    keep: Flags.string({description: 'Keep this run and its ancestors (repeatable)', multiple: true}),
    'keep-last': Flags.integer({description: 'Keep the newest N runs of every kind', default: 1, min: 0}),
    orphans: Flags.boolean({description: 'Also remove run directories without a manifest (crashed runs)'}),
    apply: Flags.boolean({description: 'Remove for real (default: only list what would be removed)'}),
  };

  async run(): Promise<RunsGcResult> {
    const config = await this.configure();
    const runsDir = config.get<string>('runs.dir');
    // A store that cannot open while runs are on disk must never read as "no runs": gc would take them all.
    const kernel = await this.kernel(config).catch(async (error: unknown) => {
      throw await explainStoreFailure(error, config.get<string>('manifest.store'), runsDir);
    });
    const options: CollectOptions = {
      runsDir,
      keep: await Promise.all((this.flags.keep ?? []).map((reference) => resolveRunReference(reference, runsDir))),
      keepLast: this.flags['keep-last'],
      orphans: this.flags.orphans === true,
    };
    const collector = kernel.resolve(RunCollector);
    const planned = await collector.plan(options);
    const plan = this.flags.apply ? await collector.apply(planned, options) : planned;
    for (const warning of plan.warnings) this.warnLine(warning);
    if (!this.jsonEnabled()) {
      const verb = this.flags.apply ? 'removed' : 'would remove';
      for (const run of plan.inUse)
        this.log(`in use   ${run.runId}  ${run.as === 'writer' ? 'written' : 'read'} by process ${run.pid} on ${run.host}`);
      for (const run of plan.remove)
        this.log(
          `${verb}  ${run.runId}  ${run.kind ?? (run.failed ? '(failed)' : '(no manifest)')}  ${formatBytes(run.bytes)}${run.indexOnly ? ' (index entry only)' : ''}`,
        );
      this.log(
        `${formatCount(plan.kept.length)} kept, ${formatCount(plan.retained.length)} retained with their ancestors; ${verb} ${formatCount(plan.remove.length)} runs (${formatBytes(plan.bytes)})` +
          (this.flags.apply || plan.remove.length === 0 ? '' : ' — pass --apply to remove them'),
      );
    }
    return {...plan, applied: this.flags.apply === true};
  }
}
