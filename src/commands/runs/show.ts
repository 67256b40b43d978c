import {Args} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {RunCatalog, type RunDetails} from '../../services/runs/run-catalog.js';

export default class RunsShow extends CodexCommand<typeof RunsShow> {
  static override summary = 'Show a run: config, metrics summary, artifacts with checksums, parents and children';
  static override examples = [
    '<%= config.bin %> runs:show 01J0ABCDEFGHJKMNPQRSTVWXYZ',
    '<%= config.bin %> runs:show 01J0ABCDEFGHJKMNPQRSTVWXYZ --json',
  ];
  static override contracts = ['manifest-store'] as const;
  static override args = {id: Args.string({description: 'Run id (ULID)', required: true})};

  async run(): Promise<RunDetails> {
    const kernel = await this.kernel();
    const details = await kernel.resolve(RunCatalog).show(this.args.id, kernel.config.get<string>('runs.dir'));
    if (!this.jsonEnabled()) this.print(details);
    return details;
  }

  private print(details: RunDetails): void {
    this.log(`run       ${details.runId}`);
    this.log(`kind      ${details.kind} (schema ${details.schemaVersion})`);
    this.log(`created   ${details.createdAt}`);
    this.log(`directory ${details.runDir}`);
    const related = (runs: RunDetails['parents']) =>
      runs.length === 0
        ? '(none)'
        : runs.map((run) => (run.stored ? `${run.runId} (${run.kind})` : `${run.runId} (no manifest)`)).join(', ');
    this.log(`parents   ${related(details.parents)}`);
    this.log(`children  ${related(details.children)}`);
    if (details.metrics) {
      const m = details.metrics;
      const shown = (value: number | undefined, digits = 4) => (value === undefined ? '-' : Number(value.toPrecision(digits)).toString());
      this.log(
        `metrics   ${m.trainSteps} train lines, ${m.evals} evals, last step ${m.lastStep ?? '-'}, final loss ${shown(m.finalLoss)}, ` +
          `best val loss ${shown(m.bestValLoss)}, lr ${shown(m.finalLr)}, ${shown(m.meanTokensPerSecond, 5)} tokens/s, ${shown(m.elapsedSeconds)} s`,
      );
    }
    this.log(details.artifacts.length === 0 ? 'artifacts (none)' : 'artifacts');
    for (const artifact of details.artifacts) this.log(`  ${artifact.checksum}  ${String(artifact.bytes).padStart(12)}  ${artifact.path}`);
    this.log('config');
    const text = JSON.stringify(details.config, null, 2) ?? 'null';
    for (const line of text.split('\n')) this.log(`  ${line}`);
  }
}
