import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {writeLine} from '../../cli/line-writer.js';
import {readEncodeSettings} from '../../services/tokenization/encode-settings.js';
import {fileChunks} from '../../services/tokenization/file-chunks.js';
import {OFFSET_UNITS, type OffsetUnit} from '../../services/tokenization/offset-units.js';
import {INVALID_UTF8_POLICIES, type InvalidUtf8Policy, singleLine, textLines} from '../../services/tokenization/text-lines.js';
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
  // ignoreStdin: oclif would otherwise read whatever stdin holds within 10 ms as TEXT, racing the line reader
  // (lines went missing under load); stdin is read by the line reader only.
  static override args = {
    text: Args.string({description: 'Text to encode (default: --file or stdin, one input per line)', ignoreStdin: true}),
  };
  static override flags = {
    tokenizer: Flags.string({char: 't', description: 'tokenizer.json to encode with'}),
    tiktoken: Flags.string({
      description: 'Use shipped tiktoken ranks instead of a file: gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base',
    }),
    model: Flags.string({description: "Use the tiktoken encoding of an OpenAI model (tiktoken's encoding_for_model), e.g. gpt-4o"}),
    file: Flags.string({char: 'f', description: 'Read inputs from this file, one per line'}),
    output: Flags.string({description: 'Print ids or tokens (tokenizer.encode.output)', options: ['ids', 'tokens']}),
    'add-special': Flags.boolean({description: 'Add BOS/EOS (tokenizer.encode.addSpecialTokens)', allowNo: true}),
    'pad-to': Flags.string({description: 'Pad to N tokens or "longest" (tokenizer.encode.padding.length)'}),
    'pad-side': Flags.string({description: 'Pad on the left or right', options: ['left', 'right']}),
    'max-length': Flags.integer({description: 'Truncate to N tokens (tokenizer.encode.truncation.maxLength)', min: 1}),
    stride: Flags.integer({description: 'Tokens shared by overflowing windows', min: 0}),
    'truncation-side': Flags.string({description: 'Truncate on the left or right', options: ['left', 'right']}),
    'on-invalid-utf8': Flags.string({
      description: 'A line that is not valid UTF-8: error (refuse it, naming line and byte), replace (U+FFFD) or skip it',
      options: [...INVALID_UTF8_POLICIES],
      default: 'error',
    }),
    offsets: Flags.string({
      description:
        "Also print each token's [start, end) in the input line, counted in UTF-16 code units (JavaScript string indices), UTF-8 bytes, or code points (what Hugging Face's Node binding reports)",
      options: [...OFFSET_UNITS],
    }),
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
    const loaded = await kernel
      .resolve(TokenizerLoader)
      .loadChosen({file: flags.tokenizer, pretrained: flags.tiktoken, model: flags.model});
    const utf8 = {
      onInvalidUtf8: flags['on-invalid-utf8'] as InvalidUtf8Policy,
      onSkip: (line: number, byte: number) => process.stderr.write(`skipped line ${line}: not valid UTF-8 at byte ${byte}\n`),
    };
    const lines =
      this.args.text !== undefined
        ? singleLine(this.args.text)
        : flags.file !== undefined
          ? textLines(fileChunks(flags.file), flags.file, utf8)
          : textLines(stdinUnlessTerminal('TEXT, --file F'), 'stdin', utf8);
    let count = 0;
    let tokens = 0;
    const unit = flags.offsets as OffsetUnit | undefined;
    const service = new TokenizerEncodeService();
    if (!this.jsonEnabled() && settings.output === 'ids' && unit === undefined) {
      for await (const ids of service.encodeLineIds(loaded.tokenizer, lines, settings.options)) {
        count++;
        tokens += ids.length;
        await writeLine(ids.join(' '));
      }
      this.#streamed = true;
      return {tokenizer: loaded.source, lines: count, tokens};
    }
    for await (const encoded of service.encodeLines(loaded.tokenizer, lines, settings.options, unit)) {
      count++;
      tokens += encoded.ids.length;
      if (this.jsonEnabled()) await writeLine(JSON.stringify(encoded));
      else {
        const values: readonly (number | string)[] = settings.output === 'ids' ? encoded.ids : encoded.tokens;
        const spans = encoded.offsets;
        await writeLine(spans ? values.map((value, i) => `${value}@${spans[i]?.[0]}:${spans[i]?.[1]}`).join(' ') : values.join(' '));
      }
    }
    this.#streamed = true;
    return {tokenizer: loaded.source, lines: count, tokens};
  }

  /** Under --json the results were streamed as JSON Lines; only an error is left to print, on one line. */
  protected override logJson(json: unknown): void {
    if (!this.#streamed) process.stdout.write(`${JSON.stringify(json)}\n`);
  }
}
