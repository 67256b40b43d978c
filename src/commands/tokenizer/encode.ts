import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {writeLine} from '../../cli/line-writer.js';
import {readEncodeSettings} from '../../services/tokenization/encode-settings.js';
import {fileChunks} from '../../services/tokenization/file-chunks.js';
import {singleLine, textLines} from '../../services/tokenization/text-lines.js';
import {stdinUnlessTerminal} from '../../cli/stdin-input.js';
import {TokenizerLoader} from '../../services/tokenization/tokenizer-loader.js';
import {TokenizerEncodeService} from '../../services/tokenization/tokenizer-encode-service.js';

export interface EncodeSummary {
  readonly tokenizer: string;
  readonly lines: number;
  readonly tokens: number;
}

export default class TokenizerEncode extends CodexCommand<typeof TokenizerEncode> {
  static override summary = 'Encode text into token ids (or tokens), one result per input line';
  static override description =
    'Reads the TEXT argument, --file, or stdin. With --json prints JSON Lines, one {"ids": [...], "tokens": [...]} ' +
    'object per input line (plus "attentionMask" when padding, "overflowing" when truncation leaves windows).';
  static override examples = [
    '<%= config.bin %> tokenizer:encode --tokenizer tok/tokenizer.json "Hello world"',
    '<%= config.bin %> tokenizer:encode --tiktoken gpt2 --file notes.txt --json',
    'cat notes.txt | <%= config.bin %> tokenizer:encode --tokenizer tok/tokenizer.json --pad-to longest --json',
  ];
  static override defaultConfigFile = 'configs/tokenization/base.yaml';
  // ignoreStdin: oclif would otherwise take piped input that arrives within 10 ms as TEXT, joining its lines.
  static override args = {
    text: Args.string({description: 'Text to encode (default: --file or stdin, one input per line)', ignoreStdin: true}),
  };
  static override flags = {
    tokenizer: Flags.string({char: 't', description: 'tokenizer.json to encode with'}),
    tiktoken: Flags.string({description: 'Use shipped tiktoken ranks instead of a file: gpt2 or cl100k_base'}),
    file: Flags.string({char: 'f', description: 'Read inputs from this file, one per line'}),
    output: Flags.string({description: 'Print ids or tokens (tokenizer.encode.output)', options: ['ids', 'tokens']}),
    'add-special': Flags.boolean({description: 'Add BOS/EOS (tokenizer.encode.addSpecialTokens)', allowNo: true}),
    'pad-to': Flags.string({description: 'Pad to N tokens or "longest" (tokenizer.encode.padding.length)'}),
    'pad-side': Flags.string({description: 'Pad on the left or right', options: ['left', 'right']}),
    'max-length': Flags.integer({description: 'Truncate to N tokens (tokenizer.encode.truncation.maxLength)', min: 1}),
    stride: Flags.integer({description: 'Tokens shared by overflowing windows', min: 0}),
    'truncation-side': Flags.string({description: 'Truncate on the left or right', options: ['left', 'right']}),
  };

  #streamed = false;

  async run(): Promise<EncodeSummary> {
    const {flags} = this;
    const overrides: string[] = [];
    if (flags.output !== undefined) overrides.push(`tokenizer.encode.output=${flags.output}`);
    if (flags['add-special'] !== undefined) overrides.push(`tokenizer.encode.addSpecialTokens=${flags['add-special']}`);
    if (flags['pad-to'] !== undefined) overrides.push(`tokenizer.encode.padding.length=${flags['pad-to']}`);
    if (flags['pad-side'] !== undefined) overrides.push(`tokenizer.encode.padding.side=${flags['pad-side']}`);
    if (flags['max-length'] !== undefined) overrides.push(`tokenizer.encode.truncation.maxLength=${flags['max-length']}`);
    if (flags.stride !== undefined) overrides.push(`tokenizer.encode.truncation.stride=${flags.stride}`);
    if (flags['truncation-side'] !== undefined) overrides.push(`tokenizer.encode.truncation.side=${flags['truncation-side']}`);
    const kernel = await this.kernel(await this.configure(overrides));
    const {config} = kernel;
    const settings = readEncodeSettings(config);
    const loaded = await kernel.resolve(TokenizerLoader).loadChosen({file: flags.tokenizer, pretrained: flags.tiktoken});
    const lines =
      this.args.text !== undefined
        ? singleLine(this.args.text)
        : flags.file !== undefined
          ? textLines(fileChunks(flags.file), flags.file)
          : textLines(stdinUnlessTerminal('TEXT, --file F'), 'stdin');
    let count = 0;
    let tokens = 0;
    for await (const encoded of new TokenizerEncodeService().encodeLines(loaded.tokenizer, lines, settings.options)) {
      count++;
      tokens += encoded.ids.length;
      if (this.jsonEnabled()) await writeLine(JSON.stringify(encoded));
      else await writeLine((settings.output === 'ids' ? encoded.ids : encoded.tokens).join(' '));
    }
    this.#streamed = true;
    return {tokenizer: loaded.source, lines: count, tokens};
  }

  /** Under --json the results were streamed as JSON Lines; only an error is left to print, on one line. */
  protected override logJson(json: unknown): void {
    if (!this.#streamed) process.stdout.write(`${JSON.stringify(json)}\n`);
  }
}
