import {Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {type CollectOptions, type CollectPlan, RunCollector} from '../../services/runs/run-collector.js';

export interface RunsGcResult extends CollectPlan {
  readonly applied: boolean;
}

export default class RunsGc extends CodexCommand<typeof RunsGc> {
  static override summary = 'Remove runs that no kept run depends on (dry run unless --apply)';
  static override description =
    'Kept runs are those named with --keep plus the newest --keep-last runs of every kind (default 1). A kept run keeps ' +
    'all its ancestors (the runs it consumed, transitively), however old. Everything else is listed, and removed ' +
    '(manifest and run directory) only with --apply. gc refuses to run while another process is writing a run.';
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
    const kernel = await this.kernel();
    const config = kernel.config;
    const options: CollectOptions = {
      runsDir: config.get<string>('runs.dir'),
      keep: this.flags.keep ?? [],
      keepLast: this.flags['keep-last'],
      orphans: this.flags.orphans === true,
    };
    const collector = kernel.resolve(RunCollector);
    const plan = await collector.plan(options);
    if (this.flags.apply) await collector.apply(plan, options);
    if (!this.jsonEnabled()) {
      const verb = this.flags.apply ? 'removed' : 'would remove';
      for (const run of plan.remove) this.log(`${verb}  ${run.runId}  ${run.kind ?? '(no manifest)'}  ${run.bytes} bytes`);
      this.log(
        `${plan.kept.length} kept, ${plan.retained.length} retained with their ancestors; ${verb} ${plan.remove.length} runs (${plan.bytes} bytes)` +
          (this.flags.apply || plan.remove.length === 0 ? '' : ' — pass --apply to remove them'),
      );
    }
    return {...plan, applied: this.flags.apply === true};
  }
}
