import {readFile} from 'node:fs/promises';
import {Args, Flags} from '@oclif/core';
import {CodexError, ExitCode, fileError} from '@codex-ml/core';
import {CodexCommand} from '../cli/codex-command.js';
import {type GenerationResult, GenerationService} from '../services/generation/generation-service.js';

export default class Generate extends CodexCommand<typeof Generate> {
  static override summary = 'Generate text with a trained model, streamed as it is produced';
  static override description =
    'Loads the newest intact checkpoint of a training run (or the checkpoint given) with the tokenizer it was ' +
    'trained with, and continues the prompt (--prompt, --prompt-file, or stdin) token by token with a key/value ' +
    'cache. --temperature 0 is greedy; otherwise temperature, --top-k and --top-p shape the distribution and ' +
    '--seed makes the draw reproducible. A sample ends at --max-tokens, at the end-of-text token, or before a ' +
    '--stop string. A prompt longer than the context window keeps its last tokens, with a notice. --json prints ' +
    'the ids, text and per-token log-probabilities of every sample.';
  static override examples = [
    '<%= config.bin %> generate latest --prompt "The jury said" --max-tokens 60',
    '<%= config.bin %> generate 01J0ABCDEFGHJKMNPQRSTVWXYZ --prompt "It was" --temperature 0.8 --top-p 0.9 --seed 7 --num-samples 3',
    'echo "Once upon a time" | <%= config.bin %> generate runs/01J…/checkpoints/step-000000300 --temperature 0 --json',
  ];
  // The trained run's checkpoint and tokenizer are verified with the hasher; its engine comes from its snapshot.
  static override contracts = ['hasher'] as const;
  static override args = {
    model: Args.string({description: 'latest, a training run id, a run directory or a checkpoint directory', required: true}),
  };
  static override flags = {
    prompt: Flags.string({char: 'p', description: 'Text to continue', exclusive: ['prompt-file']}),
    'prompt-file': Flags.string({description: 'Read the prompt from this file (UTF-8)'}),
    'max-tokens': Flags.integer({description: 'Most tokens to generate per sample', default: 128}),
    'min-tokens': Flags.integer({description: 'Tokens to generate before the end-of-text token may end a sample', default: 0}),
    temperature: Flags.string({description: 'Softmax temperature; 0 = greedy (argmax)', default: '1'}),
    'top-k': Flags.integer({description: 'Sample among the k most likely tokens; 0 = all', default: 0}),
    'top-p': Flags.string({description: 'Nucleus: sample among the most likely tokens holding this probability; 1 = all', default: '1'}),
    seed: Flags.integer({description: 'Seed of the draws: the same seed gives the same text', default: 0}),
    stop: Flags.string({description: 'End a sample before this string (repeatable)', multiple: true}),
    'num-samples': Flags.integer({description: 'Independent samples to draw', default: 1}),
    'kv-cache': Flags.boolean({
      description: 'Decode with the key/value cache; --no-kv-cache recomputes the window for every token',
      default: true,
      allowNo: true,
    }),
    'run-dir': Flags.string({description: 'Runs directory where run ids are looked up (runs.dir)'}),
  };

  async run(): Promise<GenerationResult> {
    const {flags} = this;
    const config = await this.configure(flags['run-dir'] ? [`runs.dir=${flags['run-dir']}`] : []);
    const kernel = await this.kernel(config);
    const prompt = await this.#prompt();
    const streaming = !this.jsonEnabled();
    const result = await kernel.resolve(GenerationService).generate({
      model: this.args.model,
      runsDir: config.get<string>('runs.dir'),
      prompt,
      maxTokens: flags['max-tokens'],
      minTokens: flags['min-tokens'],
      sampling: {
        temperature: numberFlag('--temperature', flags.temperature),
        topK: flags['top-k'],
        topP: numberFlag('--top-p', flags['top-p']),
      },
      seed: flags.seed,
      stops: flags.stop ?? [],
      numSamples: flags['num-samples'],
      kvCache: flags['kv-cache'],
      onText: (_index, chunk) => {
        if (streaming) process.stdout.write(chunk);
      },
      // Samples end with a newline and are separated by a line of three dashes.
      onSampleEnd: (index) => {
        if (streaming) process.stdout.write(index + 1 < flags['num-samples'] ? '\n---\n' : '\n');
      },
      onNotice: (message) => this.warnLine(message),
    });
    return result;
  }

  async #prompt(): Promise<string> {
    if (this.flags.prompt !== undefined) return this.flags.prompt;
    const file = this.flags['prompt-file'];
    if (file !== undefined) {
      return readFile(file, 'utf8').catch((error: unknown) => {
        throw fileError(file, error);
      });
    }
    // No prompt flag: stdin when piped (a trailing newline from echo is not part of the prompt), else empty.
    if (process.stdin.isTTY) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
}

function numberFlag(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new CodexError('E_USAGE', `${flag} must be a number, got "${raw}"`, {hint: 'see --help', exitCode: ExitCode.usage});
  }
  return value;
}
