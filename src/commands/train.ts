import {join} from 'node:path';
import {Flags} from '@oclif/core';
import {CliStageRunner} from '../cli/cli-stage-runner.js';
import {formatCount} from '../cli/format.js';
import {runLabelFlags} from '../cli/run-label-flags.js';
import {resolveRunReference} from '../services/runs/run-reference.js';
import {CodexCommand} from '../cli/codex-command.js';
import {stageLine} from '../cli/stage-line.js';
import {InterruptionNotice} from '../cli/interruption-notice.js';
import {Interrupts} from '../cli/interrupts.js';
import {ProgressBar} from '../cli/progress-bar.js';
import {TrainingProgressBar} from '../cli/training-progress-bar.js';
import {runInputStages, stageClock} from '../services/pipeline/input-stages.js';
import {resumeConfig} from '../services/training/config-snapshot.js';
import {type ResumeTarget, type TrainResult, TrainingService, locateResume} from '../services/training/training-service.js';

export default class Train extends CodexCommand<typeof Train> {
  static override summary = 'Train the GPT model on a data run with a trained tokenizer';
  static override description =
    'Without training.data, trains on the embedded Brown corpus: codex pipeline’s data and tokenizer stages run ' +
    'first, or are reused from their caches. ' +
    'Tokenizes the train and val splits (cached), then trains with seeded, exactly resumable steps. Writes ' +
    'config.snapshot, metrics.ndjson, checksummed checkpoints and a run manifest into <runs dir>/<run id>/. ' +
    '--resume continues a run from its newest intact checkpoint (bare --resume means latest); a run is only ever ' +
    'extended, never shortened or rewound — --fork starts a new run from the resume point instead.';
  static override examples = [
    '<%= config.bin %> train --set training.steps=50',
    '<%= config.bin %> train --set training.data=<data run id> --set training.tokenizer=tok/tokenizer.json',
    '<%= config.bin %> train --resume latest',
    '<%= config.bin %> train --resume runs/01J…/checkpoints/step-000000100 --set training.steps=400 --json',
    '<%= config.bin %> train --resume runs/01J…/checkpoints/step-000000100 --fork --set training.steps=150',
  ];
  static override defaultConfigFile = 'configs/training/base.yaml';
  static override contracts = ['training-engine', 'optimizer', 'hasher'] as const;
  static override flags = {
    ...runLabelFlags,
    resume: Flags.string({
      description: 'Continue a run: latest (default when the flag is bare), a run id, a run directory or a checkpoint directory',
    }),
    'run-dir': Flags.string({description: 'Directory where this run is created or looked up by --resume (default: runs.dir)'}),
    fork: Flags.boolean({
      description:
        'With --resume: start a new run from that run or checkpoint instead of continuing it (the original is left as it is); ' +
        'needed to shorten a run or to continue from a checkpoint older than its newest',
      dependsOn: ['resume'],
    }),
  };

  override async init(): Promise<void> {
    // `--resume` alone means `--resume latest`: oclif flags need a value, so supply it.
    this.argv = this.argv.flatMap((arg, index, all) => {
      const next = all[index + 1];
      return arg === '--resume' && (next === undefined || next.startsWith('-')) ? [arg, 'latest'] : [arg];
    });
    await super.init();
  }

  async run(): Promise<TrainResult> {
    let resume: ResumeTarget | undefined;
    let config = await this.configure();
    const runsDir = this.flags['run-dir'] ?? config.get<string>('runs.dir');
    if (this.flags.resume !== undefined) {
      if (this.flags.config !== undefined) this.warnLine('--config is ignored with --resume: the run continues with its config.snapshot');
      // latest is locateResume's own (the newest training run, finished or not); a prefix names one.
      const named = this.flags.resume === 'latest' ? 'latest' : await resolveRunReference(this.flags.resume, runsDir, 'training');
      resume = await locateResume(runsDir, named);
      config = await resumeConfig(resume.snapshot, this.flags.set ?? [], config.schema);
    } else if (config.get<string>('training.data') === '') {
      config = await this.configure(await this.#embeddedInputs(config.get<string>('training.tokenizer') !== ''));
    }
    const kernel = await this.kernel(config);
    const progress = new TrainingProgressBar(this.interactive);
    const tokenizing = new ProgressBar('tokenizing', this.interactive);
    const interruption = new InterruptionNotice(
      () => this.jsonEnabled(),
      () => progress.stop(),
    );
    const result = await kernel
      .resolve(TrainingService)
      .train({
        config,
        runsDir,
        resume,
        fork: this.flags.fork,
        onTokenizing: (done, total) => {
          tokenizing.update(done, total);
          if (done === total) tokenizing.stop();
        },
        onProgress: (update) => progress.update(update),
        onCheckpoint: (state) => interruption.update(state),
        onWarning: (message) => {
          progress.stop();
          this.warnLine(message);
        },
      })
      .finally(() => {
        interruption.dispose();
        tokenizing.stop();
        progress.stop();
      });
    if (!this.jsonEnabled()) {
      const loss = result.finalLoss === null ? 'n/a' : result.finalLoss.toFixed(4);
      const val = result.finalValLoss === null ? '' : `, val loss ${result.finalValLoss.toFixed(4)}`;
      const resumed = result.resumedFrom === null ? '' : ` (resumed from step ${result.resumedFrom})`;
      this.log(
        `run ${result.runId}: ${formatCount(result.steps)} steps${resumed}, loss ${loss}${val}${result.stoppedEarly ? ', stopped early' : ''}`,
      );
      this.log(`artifacts in ${result.runDir}`);
      this.log(`token cache ${result.tokenCache.hit ? 'reused' : 'built'}: ${result.tokenCache.directory}`);
    }
    return result;
  }

  /**
   * No data run given: the pipeline's data and tokenizer stages (the embedded Brown corpus, its packaged defaults
   * under the project config), reused from their caches when they already ran, as `--set` overrides.
   */
  async #embeddedInputs(tokenizerGiven: boolean): Promise<string[]> {
    if (!this.jsonEnabled()) {
      process.stderr.write(
        "training.data is not set: training on the embedded Brown corpus through codex pipeline's data" +
          `${tokenizerGiven ? '' : ' and tokenizer'} stages (cached after the first run)\n`,
      );
    }
    const runner = new CliStageRunner(
      join(this.config.root, 'bin', 'run.js'),
      this.interactive,
      Interrupts.install(() => this.jsonEnabled()),
    );
    const sets = [...this.labelOverrides(), ...(this.flags.set ?? [])];
    const common = [...this.stageConfigArgs('configs/pipeline.yaml'), ...sets.flatMap((set) => ['--set', set])];
    const clock = stageClock(tokenizerGiven ? 1 : 2, (outcome) => {
      if (!this.jsonEnabled()) process.stderr.write(`${stageLine(outcome)}\n`);
    });
    const inputs = await runInputStages(runner, clock, {common, force: false, skipTokenizer: tokenizerGiven});
    return [`training.data=${inputs.data.runId}`, ...(inputs.tokenizer ? [`training.tokenizer=${inputs.tokenizer.runId}`] : [])];
  }
}
