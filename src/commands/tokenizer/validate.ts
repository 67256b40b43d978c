import {Flags} from '@oclif/core';
import {CodexError, ExitCode} from '@codex-ml/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {ProgressBarSink} from '../../cli/progress-bar-sink.js';
import {type ValidationReport, TokenizerValidationService} from '../../services/tokenization/tokenizer-validation-service.js';

export default class TokenizerValidate extends CodexCommand<typeof TokenizerValidate> {
  static override summary = 'Check a tokenizer on held-out text: special tokens, round trip, unknown rate, compression';
  static override description =
    'Reads the validation split of a data run (tokenizer.dataset.validationSplit) or plain files and folders. Fails ' +
    '(exit 5) when a special token is not at its id, a line does not round-trip (decode(encode(x)) = normalize(x)), ' +
    'or the unknown-token rate exceeds tokenizer.validate.maxUnknownRate. Reports tokens per word and bytes per token.';
  static override examples = [
    '<%= config.bin %> tokenizer:validate --tokenizer tok/tokenizer.json --input 01JD3Z8XK2M4N5P6Q7R8S9T0VW',
    '<%= config.bin %> tokenizer:validate --tokenizer tok/tokenizer.json --input heldout.txt --json',
  ];
  static override defaultConfigFile = 'configs/tokenization/base.yaml';
  static override contracts = ['hasher', 'manifest-store'] as const;
  static override flags = {
    tokenizer: Flags.string({char: 't', description: 'tokenizer.json to check', required: true}),
    input: Flags.string({char: 'i', description: 'Files, folders or data run ids (default: tokenizer.dataset.inputs)', multiple: true}),
    'max-unknown-rate': Flags.string({description: 'Highest acceptable unknown-token fraction (tokenizer.validate.maxUnknownRate)'}),
    'max-lines': Flags.integer({description: 'Check at most N lines (tokenizer.validate.maxLines; 0 = all)', min: 0}),
  };

  async run(): Promise<ValidationReport> {
    const {flags} = this;
    const overrides: string[] = [];
    if (flags.input) overrides.push(`tokenizer.dataset.inputs=${JSON.stringify(flags.input)}`);
    if (flags['max-unknown-rate'] !== undefined) overrides.push(`tokenizer.validate.maxUnknownRate=${flags['max-unknown-rate']}`);
    if (flags['max-lines'] !== undefined) overrides.push(`tokenizer.validate.maxLines=${flags['max-lines']}`);
    const kernel = await this.kernel(await this.configure(overrides));
    const {config} = kernel;
    const progress = new ProgressBarSink(this.interactive, {checksum: 'bytes'});
    let hashed = 0;
    progress.start('checksum', 0);
    const result = await kernel.resolve(TokenizerValidationService).validate({
      tokenizer: flags.tokenizer,
      inputs: config.get<string[]>('tokenizer.dataset.inputs'),
      split: config.get<string>('tokenizer.dataset.validationSplit'),
      runsDir: config.get<string>('runs.dir'),
      specialTokens: config.get<string[]>('tokenizer.specialTokens'),
      maxUnknownRate: config.get<number>('tokenizer.validate.maxUnknownRate'),
      maxLines: config.get<number>('tokenizer.validate.maxLines'),
      onProgress: (done, total) => {
        progress.start('checksum', total);
        progress.advance('checksum', Math.max(0, done - hashed));
        hashed = done;
      },
    });
    progress.finish('checksum');
    if (!this.jsonEnabled()) this.#print(result);
    if (!result.ok) {
      // The report is printed (or returned as JSON) first; the failure is then a one-line error and exit code.
      process.exitCode = ExitCode.integrity;
      if (!this.jsonEnabled()) {
        process.stderr.write(
          `Error: ${new CodexError('E_VALIDATION', `tokenizer ${result.tokenizer} failed validation: ${result.failures.join('; ')}`).toLine()}\n`,
        );
      }
    }
    return result;
  }

  #print(result: ValidationReport): void {
    const special = result.specialTokens.map(
      (check) => `${check.token}=${check.id ?? '-'}${check.ok ? '' : ` (expected ${check.expectedId})`}`,
    );
    this.log(`tokenizer      ${result.tokenizer} (${result.modelType}, ${result.vocabSize} tokens)`);
    this.log(`special tokens ${special.join(' ') || '(none)'}`);
    this.log(`lines          ${result.lines} (${result.words} words, ${result.bytes} bytes, ${result.tokens} tokens)`);
    this.log(
      `round trip     ${result.roundTrip.checked - result.roundTrip.failed}/${result.roundTrip.checked} lines (${result.roundTrip.mode})` +
        (result.roundTrip.skippedUnknown > 0 ? ` (${result.roundTrip.skippedUnknown} with unknown tokens not checked)` : ''),
    );
    this.log(`unknown rate   ${(result.unknownRate * 100).toFixed(3)}%`);
    this.log(`tokens/word    ${result.tokensPerWord.toFixed(3)}`);
    this.log(`bytes/token    ${result.bytesPerToken.toFixed(3)}`);
    this.log(`result         ${result.ok ? 'ok' : 'FAILED'}`);
  }
}
