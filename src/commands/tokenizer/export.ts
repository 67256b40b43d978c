import {Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {TokenizerLoader} from '../../services/tokenization/tokenizer-loader.js';
import {type ExportTokenizerResult, TokenizerExportService} from '../../services/tokenization/tokenizer-export-service.js';

export default class TokenizerExport extends CodexCommand<typeof TokenizerExport> {
  static override summary = 'Write a tokenizer as a Hugging Face tokenizer.json (tiktoken encodings, or any loadable file)';
  static override description =
    'The file loads in Hugging Face tokenizers and encodes with the same ids: tiktoken encodings become a byte-level ' +
    'BPE with one merge per token and ignore_merges; a tokenizer.json is written back in canonical form.';
  static override examples = [
    '<%= config.bin %> tokenizer:export --tiktoken o200k_base --out o200k/',
    '<%= config.bin %> tokenizer:export --model gpt-4 --out gpt4/',
  ];
  static override defaultConfigFile = 'configs/tokenization/base.yaml';
  static override flags = {
    tiktoken: Flags.string({description: 'A shipped tiktoken encoding: gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base'}),
    model: Flags.string({description: "The tiktoken encoding of an OpenAI model (tiktoken's encoding_for_model), e.g. gpt-4o"}),
    tokenizer: Flags.string({char: 't', description: 'A tokenizer.json to rewrite'}),
    out: Flags.string({description: 'Directory to write tokenizer.json into', required: true}),
  };

  async run(): Promise<ExportTokenizerResult> {
    const {flags} = this;
    const kernel = await this.kernel(await this.configure([]));
    const loaded = await kernel
      .resolve(TokenizerLoader)
      .loadChosen({file: flags.tokenizer, pretrained: flags.tiktoken, model: flags.model});
    const result = await new TokenizerExportService().export(loaded.tokenizer, loaded.source, flags.out);
    if (!this.jsonEnabled()) this.log(`wrote ${result.out} (${result.modelType}, ${result.vocabSize} tokens) from ${result.source}`);
    return result;
  }
}
