import {join} from 'node:path';
import {Hasher, ManifestStore, prepareRunsDir} from '@codex-ml/core';
import {Flags} from '@oclif/core';
import {runLabelFlags} from '../cli/run-label-flags.js';
import {CodexCommand} from '../cli/codex-command.js';
import {CliStageRunner} from '../cli/cli-stage-runner.js';
import {Interrupts} from '../cli/interrupts.js';
import {stageLine} from '../cli/stage-line.js';
import {type PipelineResult, PipelineService, type StageOutcome} from '../services/pipeline/pipeline-service.js';
import {RunVerifier} from '../services/runs/run-verifier.js';

export default class Pipeline extends CodexCommand<typeof Pipeline> {
  static override summary = 'Run prepare-data → tokenizer:train → train → evaluate → report as one job';
  static override description =
    'Runs every stage with one config: the packaged configs/pipeline.yaml (the embedded Brown corpus stratified by ' +
    'category, a 2,048-token BPE tokenizer, 300 training steps), under the project’s codex.yaml or the --config files, ' +
    'from whatever directory it runs in. A stage whose inputs did not change since an earlier run is reused and ' +
    'reported as cached; a change re-runs exactly the stages that depend on it. Prints one [n/5] line per stage and ' +
    'ends with the path of the HTML report.';
  static override examples = [
    '<%= config.bin %> pipeline',
    '<%= config.bin %> pipeline --seed 7 --set training.steps=50',
    '<%= config.bin %> pipeline --config my-pipeline.yaml --json',
  ];
  static override defaultConfigFile = 'configs/pipeline.yaml';
  static override contracts = ['hasher', 'manifest-store'] as const;
  static override flags = {
    ...runLabelFlags,
    seed: Flags.integer({description: 'Seed of the split and of training (data.seed and training.seed)'}),
    force: Flags.boolean({description: 'Re-run every stage even when its inputs did not change'}),
  };

  async run(): Promise<PipelineResult> {
    const overrides = this.flags.seed === undefined ? [] : [`data.seed=${this.flags.seed}`, `training.seed=${this.flags.seed}`];
    const kernel = await this.kernel(await this.configure(overrides));
    const {config} = kernel;
    const runsDir = config.get<string>('runs.dir');
    await prepareRunsDir(runsDir, 'runs.dir', {create: false});
    const service = new PipelineService({
      runner: new CliStageRunner(
        join(this.config.root, 'bin', 'run.js'),
        this.interactive,
        Interrupts.install(() => this.jsonEnabled()),
      ),
      hasher: kernel.resolve<Hasher>(Hasher),
      store: kernel.resolve<ManifestStore>(ManifestStore),
      verifier: kernel.resolve(RunVerifier),
      runsDir,
    });
    const training = {...config.get<Record<string, unknown>>('training')};
    // Where the inputs come from is decided by the pipeline; what they contain is in the key already.
    delete training['data'];
    delete training['tokenizer'];
    const result = await service.run({
      // Stages layer the pipeline's packaged defaults under the same project file (or --config files) it read.
      configArgs: this.stageConfigArgs(),
      sets: [...overrides, ...this.labelOverrides(), ...(this.flags.set ?? [])],
      cacheDir: config.get<string>('cache.dir'),
      trainingConfig: {hasher: config.get('hasher'), training},
      evaluationConfig: config.get<Record<string, unknown>>('evaluation'),
      trainSplit: config.get<string>('training.trainSplit'),
      valSplit: config.get<string>('training.valSplit'),
      report: config.get<boolean>('pipeline.report'),
      force: this.flags.force,
      onStage: (outcome) => this.#print(outcome),
    });
    if (!this.jsonEnabled() && result.report) this.log(`report: ${result.report}`);
    return result;
  }

  #print(outcome: StageOutcome): void {
    if (!this.jsonEnabled()) this.log(stageLine(outcome));
  }
}
