import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../cli/codex-command.js';
import {ProgressBar} from '../cli/progress-bar.js';
import {type HashedFile, HashService} from '../services/hash-service.js';

export interface HashResult {
  readonly hasher: string;
  readonly algorithm: string;
  readonly files: readonly HashedFile[];
}

export default class Hash extends CodexCommand<typeof Hash> {
  static override summary = 'Checksum files and directories with the configured hasher';
  static override description =
    'Prints "<hex>  <path>" per file like b3sum/sha256sum. Directories are walked recursively in a stable, ' +
    'sorted order. Large inputs are hashed on all cores with a progress bar on stderr.';
  static override examples = ['<%= config.bin %> hash data/', '<%= config.bin %> hash big.bin --hasher sha256 --json'];
  static override strict = false;
  static override args = {paths: Args.string({description: 'Files or directories', required: true})};
  static override flags = {
    hasher: Flags.string({description: 'Hasher backend (shorthand for --set hasher=NAME)'}),
    threads: Flags.integer({description: 'Worker threads (default: all cores)', min: 1}),
  };

  async run(): Promise<HashResult> {
    const paths = this.positional;
    const kernel = await this.kernel(this.resolveConfig(this.flags.hasher ? [`hasher=${this.flags.hasher}`] : []));
    await kernel.bind('hasher');
    const backend = kernel.selectedBackend('hasher');
    const progress = new ProgressBar('hashing', this.interactive, 'bytes');
    const files = await kernel
      .resolve(HashService)
      .hashPaths(paths, backend, {threads: this.flags.threads, onProgress: (done, total) => progress.update(done, total)})
      .finally(() => progress.stop());
    if (!this.jsonEnabled()) for (const file of files) this.log(`${file.hex}  ${file.path}`);
    return {hasher: backend.name, algorithm: files[0]?.checksum.split(':')[0] ?? backend.name, files};
  }
}
