import {Args, Flags} from '@oclif/core';
import {runLabelFlags} from '../cli/run-label-flags.js';
import {resolveRunReference} from '../services/runs/run-reference.js';
import {runLabels} from '../services/runs/run-labels.js';
import {CodexCommand} from '../cli/codex-command.js';
import {formatCount} from '../cli/format.js';
import {ProgressBar} from '../cli/progress-bar.js';
import {EvaluationService, type EvaluationResult} from '../services/evaluation/evaluation-service.js';

export default class Evaluate extends CodexCommand<typeof Evaluate> {
  static override summary = 'Score a trained model on a held-out split of its data run';
  static override description =
    'Loads the newest intact checkpoint of a training run with the model, tokenizer and context length it was ' +
    'trained with, computes the mean next-token loss and perplexity over the split, and records an evaluation run ' +
    'whose parents are the training run and the data run.';
  static override examples = [
    '<%= config.bin %> evaluate 01J0ABCDEFGHJKMNPQRSTVWXYZ',
    '<%= config.bin %> evaluate runs/01J… --split validation --json',
  ];
  static override defaultConfigFile = 'configs/pipeline.yaml';
  static override contracts = ['hasher'] as const;
  static override args = {
    run: Args.string({description: 'Training run: a run id, a unique prefix of one, latest, or its directory', required: true}),
  };
  static override flags = {
    ...runLabelFlags,
    split: Flags.string({description: 'Split to score (evaluation.split)'}),
    data: Flags.string({description: "Data run whose split is scored (default: the training run's data run)"}),
    'run-dir': Flags.string({description: 'Runs directory (runs.dir)'}),
  };

  async run(): Promise<EvaluationResult> {
    const overrides = [
      ...(this.flags.split ? [`evaluation.split=${this.flags.split}`] : []),
      ...(this.flags['run-dir'] ? [`runs.dir=${this.flags['run-dir']}`] : []),
    ];
    const config = await this.configure(overrides);
    const kernel = await this.kernel(config);
    const progress = new ProgressBar('evaluating', this.interactive, 'batches');
    const result = await kernel
      .resolve(EvaluationService)
      .evaluate({
        trainingRun: await resolveRunReference(this.args.run, config.get<string>('runs.dir'), 'training'),
        runsDir: config.get<string>('runs.dir'),
        cacheDir: config.get<string>('cache.dir'),
        dataRun:
          this.flags.data === undefined ? undefined : await resolveRunReference(this.flags.data, config.get<string>('runs.dir'), 'data'),
        split: config.get<string>('evaluation.split'),
        labels: runLabels(config),
        batchSize: config.get<number>('evaluation.batchSize'),
        maxBatches: config.get<number>('evaluation.maxBatches'),
        onWarning: (message) => {
          progress.stop();
          this.warnLine(message);
        },
        onProgress: (done, total) => progress.update(done, total),
      })
      .finally(() => progress.stop());
    if (!this.jsonEnabled()) {
      this.log(
        `evaluation ${result.runId}: ${result.split} loss ${result.loss.toFixed(4)}, perplexity ${result.perplexity.toFixed(2)} ` +
          `over ${formatCount(result.tokens)} tokens (training run ${result.trainingRunId}, step ${result.step})`,
      );
    }
    return result;
  }
}
