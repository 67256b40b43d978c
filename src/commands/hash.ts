import {readFile} from 'node:fs/promises';
import {CodexError, ExitCode, fileError} from '@codex-ml/core';
import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../cli/codex-command.js';
import {ProgressBar} from '../cli/progress-bar.js';
import {escapeName, formatChecksumLine} from '../services/checksum-list.js';
import {type HashCheckResult, type HashResult, HashService} from '../services/hash-service.js';

/** Checksums of the files given, or with --check the verdict on each file a checksum list names. */
export type HashOutput = HashResult | HashCheckResult;

export default class Hash extends CodexCommand<typeof Hash> {
  static override summary = 'Checksum files and directories with the configured hasher, or check a checksum list';
  static override description =
    'Prints "<hex>  <path>" per file like b3sum/sha256sum (names holding a backslash or newline escaped as they do). ' +
    'Directories are walked recursively in a stable, sorted order. Large inputs are hashed on all cores, with a ' +
    'progress bar on a terminal. --check LIST reads a list written by codex hash, sha256sum or b3sum (or BSD-style ' +
    '"SHA256 (path) = hex" lines) and prints "<path>: OK" or "<path>: FAILED" per line like sha256sum -c; exits 5 ' +
    'when any file differs or cannot be read.';
  static override examples = [
    '<%= config.bin %> hash data/',
    '<%= config.bin %> hash big.bin --hasher sha256 --json',
    '<%= config.bin %> hash data/ > data.b3 && <%= config.bin %> hash --check data.b3',
    'sha256sum *.txt > SUMS && <%= config.bin %> hash --hasher sha256 -c SUMS',
  ];
  static override strict = false;
  static override contracts = ['hasher'] as const;
  static override args = {paths: Args.string({description: 'Files or directories (not with --check)'})};
  static override flags = {
    hasher: Flags.string({description: 'Hasher backend (shorthand for --set hasher=NAME)'}),
    threads: Flags.integer({description: 'Worker threads (default: all cores)', min: 1}),
    check: Flags.string({char: 'c', description: 'Check the files a checksum list names ("-": stdin) instead of printing checksums'}),
  };

  async run(): Promise<HashOutput> {
    const {flags} = this;
    if (flags.check !== undefined && this.positional.length > 0) {
      throw new CodexError('E_USAGE', `--check reads the files to check from ${flags.check}; do not also give paths`, {
        hint: 'codex hash --check LIST, or codex hash PATHS…',
        exitCode: ExitCode.usage,
      });
    }
    if (flags.check === undefined && this.positional.length === 0) {
      throw new CodexError('E_USAGE', 'missing argument PATHS (files or directories)', {
        hint: 'usage: codex hash PATHS… [FLAGS], or codex hash --check LIST',
        exitCode: ExitCode.usage,
      });
    }
    const kernel = await this.kernel(await this.configure(flags.hasher ? [`hasher=${flags.hasher}`] : []));
    const service = kernel.resolve(HashService);
    const progress = new ProgressBar(flags.check === undefined ? 'hashing' : 'checking', this.interactive, 'bytes');
    const onProgress = (done: number, total: number) => progress.update(done, total);
    if (flags.check !== undefined) {
      const text = await this.#readList(flags.check);
      const result = await service.checkList(flags.check, text, {threads: flags.threads, onProgress}).finally(() => progress.stop());
      this.#report(result);
      return result;
    }
    const result = await service.hashPaths(this.positional, {threads: flags.threads, onProgress}).finally(() => progress.stop());
    if (!this.jsonEnabled()) for (const file of result.files) this.log(formatChecksumLine(file.hex, file.path));
    return result;
  }

  async #readList(list: string): Promise<string> {
    if (list === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(list, 'utf8').catch((error: unknown) => {
      throw fileError(list, error);
    });
  }

  /** sha256sum -c's lines and warnings; the exit code says whether everything matched. */
  #report(result: HashCheckResult): void {
    if (!this.jsonEnabled()) {
      for (const file of result.files) {
        const {escaped, name} = escapeName(file.path);
        this.log(
          `${escaped ? '\\' : ''}${name}: ${file.status === 'ok' ? 'OK' : file.status === 'failed' ? 'FAILED' : 'FAILED open or read'}`,
        );
      }
      const warn = (count: number, one: string, many: string) => {
        if (count > 0) process.stderr.write(`codex: WARNING: ${count} ${count === 1 ? one : many}\n`);
      };
      warn(result.malformed.length, 'line is improperly formatted', 'lines are improperly formatted');
      warn(result.missing, 'listed file could not be read', 'listed files could not be read');
      warn(result.failed, 'computed checksum did NOT match', 'computed checksums did NOT match');
    }
    if (!result.ok) process.exitCode = ExitCode.integrity;
  }
}
