import {Flags} from '@oclif/core';
import {formatCount} from '../../cli/format.js';
import {runLabelFlags} from '../../cli/run-label-flags.js';
import {runLabels} from '../../services/runs/run-labels.js';
import {CodexCommand} from '../../cli/codex-command.js';
import {ProgressBar} from '../../cli/progress-bar.js';
import {SHARD_TASKS} from '../../services/shards/shard-tasks.js';
import {ShardedWork} from '../../services/shards/sharded-work.js';
import {readWordCounts} from '../../services/tokenization/word-count-partial.js';
import {ProgressBarSink} from '../../cli/progress-bar-sink.js';
import {readTrainingSettings} from '../../services/tokenization/tokenizer-settings.js';
import {
  type CountWordsResult,
  TokenizerTrainingService,
  type TrainTokenizerResult,
} from '../../services/tokenization/tokenizer-training-service.js';

export default class TokenizerTrain extends CodexCommand<typeof TokenizerTrain> {
  static override summary = 'Train a tokenizer on files, folders or the train split of a data run';
  static override description =
    'Verifies every input file against its data manifest first (a changed byte is refused unless --allow-drift), ' +
    'then reuses the cached tokenizer when the data and the tokenizer config are unchanged. Each training is a run ' +
    '(runs/<ULID>/tokenizer.json) with a manifest of dataset ids, file checksums, config digest and artifact checksum.';
  static override examples = [
    '<%= config.bin %> tokenizer:train --input corpus/ --vocab-size 8000 --out tok/',
    '<%= config.bin %> tokenizer:train --input 01JD3Z8XK2M4N5P6Q7R8S9T0VW --model wordpiece --json',
  ];
  static override defaultConfigFile = 'configs/tokenization/base.yaml';
  static override contracts = ['hasher', 'tokenizer', 'manifest-store'] as const;
  static override flags = {
    ...runLabelFlags,
    input: Flags.string({
      char: 'i',
      description: 'Files, folders or data run ids (repeatable; overrides tokenizer.dataset.inputs)',
      multiple: true,
    }),
    model: Flags.string({description: 'Tokenizer backend, e.g. bpe or wordpiece (tokenizer.model)'}),
    'vocab-size': Flags.integer({description: 'Target vocabulary size (tokenizer.vocabSize)', min: 1}),
    'min-frequency': Flags.integer({description: 'Minimum pair/piece frequency (tokenizer.minFrequency)', min: 1}),
    out: Flags.string({
      description: 'Also write DIR/tokenizer.json, tokenizer_config.json and special_tokens_map.json (Hugging Face layout)',
    }),
    force: Flags.boolean({description: 'Retrain even when the cache holds this tokenizer'}),
    'allow-drift': Flags.boolean({description: 'Train on data-run files that changed since their manifest, recording the drift'}),
    'on-invalid-utf8': Flags.string({
      description:
        'Corpus text that is not valid UTF-8: error (names file, line and byte offset), replace (U+FFFD) or skip the line ' +
        '(tokenizer.dataset.onInvalidUtf8; data runs decode as their prepare-data recorded)',
      options: ['error', 'replace', 'skip'],
    }),
    'from-counts': Flags.string({
      description: 'Train on the word-count partials of tokenizer:count --shard (every shard once) instead of reading the corpus',
      multiple: true,
      exclusive: ['input'],
    }),
  };

  async run(): Promise<TrainTokenizerResult> {
    const {flags} = this;
    // Flags are config overrides: one resolution path, so `--vocab-size 8000` and `--set tokenizer.vocabSize=8000` agree.
    const overrides: string[] = [];
    if (flags.input) overrides.push(`tokenizer.dataset.inputs=${JSON.stringify(flags.input)}`);
    if (flags.model !== undefined) overrides.push(`tokenizer.model=${flags.model}`);
    if (flags['vocab-size'] !== undefined) overrides.push(`tokenizer.vocabSize=${flags['vocab-size']}`);
    if (flags['min-frequency'] !== undefined) overrides.push(`tokenizer.minFrequency=${flags['min-frequency']}`);
    if (flags['on-invalid-utf8'] !== undefined) overrides.push(`tokenizer.dataset.onInvalidUtf8=${flags['on-invalid-utf8']}`);
    const kernel = await this.kernel(await this.configure(overrides));
    const settings = readTrainingSettings(kernel.config);
    const service = kernel.resolve(TokenizerTrainingService);
    const request = {settings, force: flags.force, allowDrift: flags['allow-drift'], out: flags.out, labels: runLabels(kernel.config)};
    const observer = {
      progress: new ProgressBarSink(this.interactive, {checksum: 'bytes', read: 'bytes'}),
      notice: (message: string) => {
        if (!this.jsonEnabled()) process.stderr.write(`${message}\n`);
      },
    };
    let fromCounts = flags['from-counts'];
    const work = new ShardedWork(kernel);
    if (fromCounts === undefined && work.shards > 1) {
      // executor.shards > 1: the word counting runs as shard jobs on the configured executor.
      const progress = new ProgressBar('shards', this.interactive, 'items');
      const shards = await work
        .run<CountWordsResult>(SHARD_TASKS.tokenizer, {allowDrift: flags['allow-drift'] === true}, (done, total) =>
          progress.update(done, total),
        )
        .finally(() => progress.stop());
      fromCounts = shards.map((shard) => shard.partial);
    }
    const result =
      fromCounts === undefined
        ? await service.train(request, observer)
        : await service.trainFromCounts(request, await Promise.all(fromCounts.map((path) => readWordCounts(path))), observer);
    if (!this.jsonEnabled()) {
      const verb = result.cached ? 'cached' : 'trained';
      this.log(`${verb} ${result.modelType} tokenizer, ${formatCount(result.vocabSize)} tokens: ${result.out ?? result.tokenizer}`);
      this.log(`run ${result.runId}  ${result.artifactChecksum}`);
    }
    return result;
  }
}
