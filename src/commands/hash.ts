import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../cli/codex-command.js';
import {ProgressBar} from '../cli/progress-bar.js';
import {type HashResult, HashService} from '../services/hash-service.js';

export default class Hash extends CodexCommand<typeof Hash> {
  static override summary = 'Checksum files and directories with the configured hasher';
  static override description =
    'Prints "<hex>  <path>" per file like b3sum/sha256sum. Directories are walked recursively in a stable, ' +
    'sorted order. Large inputs are hashed on all cores with a progress bar on stderr.';
  static override examples = ['<%= config.bin %> hash data/', '<%= config.bin %> hash big.bin --hasher sha256 --json'];
  static override strict = false;
  static override contracts = ['hasher'] as const;
  static override args = {paths: Args.string({description: 'Files or directories', required: true})};
  static override flags = {
    hasher: Flags.string({description: 'Hasher backend (shorthand for --set hasher=NAME)'}),
    threads: Flags.integer({description: 'Worker threads (default: all cores)', min: 1}),
  };

  async run(): Promise<HashResult> {
    const kernel = await this.kernel(await this.configure(this.flags.hasher ? [`hasher=${this.flags.hasher}`] : []));
    const progress = new ProgressBar('hashing', this.interactive, 'bytes');
    const result = await kernel
      .resolve(HashService)
      .hashPaths(this.positional, {threads: this.flags.threads, onProgress: (done, total) => progress.update(done, total)})
      .finally(() => progress.stop());
    if (!this.jsonEnabled()) for (const file of result.files) this.log(`${file.hex}  ${file.path}`);
    return result;
  }
}
