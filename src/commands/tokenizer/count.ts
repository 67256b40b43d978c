import {parseShard} from '@codex-ml/core';
import {Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {ProgressBarSink} from '../../cli/progress-bar-sink.js';
import {type CountWordsResult, TokenizerTrainingService} from '../../services/tokenization/tokenizer-training-service.js';
import {readTrainingSettings} from '../../services/tokenization/tokenizer-settings.js';

export default class TokenizerCount extends CodexCommand<typeof TokenizerCount> {
  static override summary = 'Count the words of one shard of a training corpus, for tokenizer:train --from-counts';
  static override description =
    'Verifies the whole corpus as tokenizer:train does, reads only shard i of n (files by a stable hash of their id) and ' +
    'writes its word counts, with the model, normalizer and pre-tokenizer they were made with, to --out (atomically). ' +
    'tokenizer:train --from-counts with every shard trains the tokenizer training on the corpus gives, byte for byte.';
  static override examples = [
    '<%= config.bin %> tokenizer:count --input corpus/ --shard 0/4 --out counts-0.json',
    '<%= config.bin %> tokenizer:train --from-counts counts-0.json counts-1.json counts-2.json counts-3.json --out tok/',
  ];
  static override defaultConfigFile = 'configs/tokenization/base.yaml';
  static override contracts = ['hasher', 'tokenizer', 'manifest-store'] as const;
  static override flags = {
    input: Flags.string({
      char: 'i',
      description: 'Files, folders or data run ids (repeatable; overrides tokenizer.dataset.inputs)',
      multiple: true,
    }),
    model: Flags.string({description: 'Tokenizer backend, e.g. bpe or wordpiece (tokenizer.model)'}),
    shard: Flags.string({description: 'Which share to count: i/n', required: true}),
    out: Flags.string({description: 'Partial file to write', required: true}),
    'allow-drift': Flags.boolean({description: 'Count data-run files that changed since their manifest, recording the drift'}),
  };

  async run(): Promise<CountWordsResult> {
    const {flags} = this;
    const shard = parseShard(flags.shard);
    const overrides: string[] = [];
    if (flags.input) overrides.push(`tokenizer.dataset.inputs=${JSON.stringify(flags.input)}`);
    if (flags.model !== undefined) overrides.push(`tokenizer.model=${flags.model}`);
    const kernel = await this.kernel(await this.configure(overrides));
    const settings = readTrainingSettings(kernel.config);
    const result = await kernel
      .resolve(TokenizerTrainingService)
      .countShard(
        {settings, allowDrift: flags['allow-drift'], shard, out: flags.out},
        {progress: new ProgressBarSink(this.interactive, {checksum: 'bytes', read: 'bytes'})},
      );
    if (!this.jsonEnabled()) {
      this.log(
        `shard ${result.shard}: ${result.sources} sources, ${result.lines} lines, ${result.words} distinct words → ${result.partial}`,
      );
    }
    return result;
  }
}
