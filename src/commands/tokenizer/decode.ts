import {Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {writeLine} from '../../cli/line-writer.js';
import {fileChunks} from '../../services/tokenization/file-chunks.js';
import {singleLine, textLines} from '../../services/tokenization/text-lines.js';
import {stdinUnlessTerminal} from '../../cli/stdin-input.js';
import {TokenizerLoader} from '../../services/tokenization/tokenizer-loader.js';
import {TokenizerDecodeService} from '../../services/tokenization/tokenizer-decode-service.js';

/** One line of `tokenizer:decode --json` output: the text of one id sequence. */
export interface DecodedLine {
  readonly text: string;
}

export interface DecodeSummary {
  readonly tokenizer: string;
  readonly lines: number;
}

export default class TokenizerDecode extends CodexCommand<typeof TokenizerDecode> {
  static override summary = 'Decode token ids back into text';
  static override description =
    'Ids come from the arguments, --file, or stdin: one sequence per line, as JSON Lines objects with an "ids" ' +
    'array (what tokenizer:encode --json prints), JSON arrays, or space-separated integers. With --json prints ' +
    'one {"text": ...} object per sequence.';
  static override examples = [
    '<%= config.bin %> tokenizer:decode --tokenizer tok/tokenizer.json 15496 995',
    '<%= config.bin %> tokenizer:encode -t tok/tokenizer.json -f notes.txt --json | <%= config.bin %> tokenizer:decode -t tok/tokenizer.json --json',
  ];
  static override defaultConfigFile = 'configs/tokenization/base.yaml';
  static override strict = false;
  static override flags = {
    tokenizer: Flags.string({char: 't', description: 'tokenizer.json the ids come from'}),
    tiktoken: Flags.string({
      description: 'Use shipped tiktoken ranks instead of a file: gpt2, r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base',
    }),
    model: Flags.string({description: "Use the tiktoken encoding of an OpenAI model (tiktoken's encoding_for_model), e.g. gpt-4o"}),
    file: Flags.string({char: 'f', description: 'Read id sequences from this file, one per line'}),
    'skip-special': Flags.boolean({description: 'Drop special tokens (tokenizer.decode.skipSpecialTokens)', allowNo: true}),
  };

  #streamed = false;

  async run(): Promise<DecodeSummary> {
    const {flags} = this;
    const overrides = flags['skip-special'] === undefined ? [] : [`tokenizer.decode.skipSpecialTokens=${flags['skip-special']}`];
    const kernel = await this.kernel(await this.configure(overrides));
    const {config} = kernel;
    const options = {skipSpecialTokens: config.get<boolean>('tokenizer.decode.skipSpecialTokens')};
    const loaded = await kernel
      .resolve(TokenizerLoader)
      .loadChosen({file: flags.tokenizer, pretrained: flags.tiktoken, model: flags.model});
    const [lines, source] =
      this.positional.length > 0
        ? [singleLine(this.positional.join(' ')), 'arguments']
        : flags.file !== undefined
          ? [textLines(fileChunks(flags.file), flags.file), flags.file]
          : [textLines(stdinUnlessTerminal('ids, --file F'), 'stdin'), 'stdin'];
    let count = 0;
    for await (const text of new TokenizerDecodeService().decodeLines(loaded.tokenizer, lines, source, options)) {
      count++;
      await writeLine(this.jsonEnabled() ? JSON.stringify({text} satisfies DecodedLine) : text);
    }
    this.#streamed = true;
    return {tokenizer: loaded.source, lines: count};
  }

  /** Under --json the texts were streamed as JSON Lines; only an error is left to print, on one line. */
  protected override logJson(json: unknown): void {
    if (!this.#streamed) process.stdout.write(`${JSON.stringify(json)}\n`);
  }
}
