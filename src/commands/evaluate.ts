import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../cli/codex-command.js';
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
  static override args = {run: Args.string({description: 'Training run id or directory', required: true})};
  static override flags = {
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
    const result = await new EvaluationService(kernel).evaluate({
      trainingRun: this.args.run,
      runsDir: config.get<string>('runs.dir'),
      cacheDir: config.get<string>('cache.dir'),
      dataRun: this.flags.data,
      split: config.get<string>('evaluation.split'),
      batchSize: config.get<number>('evaluation.batchSize'),
      maxBatches: config.get<number>('evaluation.maxBatches'),
      onWarning: (message) => this.warnLine(message),
    });
    if (!this.jsonEnabled()) {
      this.log(
        `evaluation ${result.runId}: ${result.split} loss ${result.loss.toFixed(4)}, perplexity ${result.perplexity.toFixed(2)} ` +
          `over ${result.tokens} tokens (training run ${result.trainingRunId}, step ${result.step})`,
      );
    }
    return result;
  }
}
