import {resolve} from 'node:path';
import {ExitCode} from '@codex-ml/core';
import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {ProgressBar} from '../../cli/progress-bar.js';
import {DataManifestReader} from '../../services/data/data-manifest-reader.js';
import {VerifyDataService, type VerifyDataResult} from '../../services/data/verify-data-service.js';

/** Ids listed per kind of drift in the human report; --json always lists all. */
const SHOWN = 20;

export default class DataVerify extends CodexCommand<typeof DataVerify> {
  static override summary = 'Re-check every item of a data run against its manifest';
  static override description =
    'Re-hashes the dataset a prepare-data run recorded, with the hasher that wrote its checksums, and reports items ' +
    'changed, missing or added, changed label/group files and changed run artifacts. Unchanged files are answered ' +
    'by the stat cache (size, mtime, ctime, inode); --no-cache re-reads everything. Exits 5 on any drift.';
  static override examples = [
    '<%= config.bin %> data:verify 01JD8X2M4T5V6W7X8Y9Z0ABCDE',
    '<%= config.bin %> data:verify runs/01JD8X2M4T5V6W7X8Y9Z0ABCDE/manifest.json --no-cache --json',
  ];
  static override defaultConfigFile = 'configs/data/base.yaml';
  static override args = {run: Args.string({description: 'Run id, run directory or manifest.json path', required: true})};
  static override flags = {
    input: Flags.string({char: 'i', description: 'Where the dataset is now, if it moved since the run'}),
    cache: Flags.boolean({description: 'Trust the stat cache for unchanged files (--no-cache re-hashes all)', allowNo: true}),
  };

  async run(): Promise<VerifyDataResult> {
    const kernel = await this.kernel(await this.configure(this.flags.cache === undefined ? [] : [`data.cache=${this.flags.cache}`]));
    const {config} = kernel;
    const data = await DataManifestReader.open(this.args.run, {runsDir: config.get<string>('runs.dir')});
    const progress = new ProgressBar('verifying', this.interactive, 'bytes');
    const threads = config.get<number>('data.threads');
    const result = await kernel
      .resolve(VerifyDataService)
      .verify({
        data,
        input: this.flags.input === undefined ? undefined : resolve(this.flags.input),
        cacheDir: config.get<string>('cache.dir'),
        useCache: config.get<boolean>('data.cache'),
        threads: threads > 0 ? threads : undefined,
        onProgress: (done, total) => progress.update(done, total),
      })
      .finally(() => progress.stop());
    if (!this.jsonEnabled()) this.printReport(result);
    if (!result.ok) {
      // The report is the result (also under --json); the exit status tells scripts that the data drifted.
      process.exitCode = ExitCode.integrity;
      process.stderr.write(`Error: run ${result.runId}: ${describeDrift(result)} — restore the data or run codex prepare-data again\n`);
    }
    return result;
  }

  private printReport(result: VerifyDataResult): void {
    const lines: Array<[string, readonly string[]]> = [
      ['changed', result.changed],
      ['missing', result.missing],
      ['added', result.added],
      ['label/group file changed', result.mappingsChanged],
      ['run artifact changed', result.artifactsChanged],
    ];
    for (const [what, ids] of lines) {
      for (const id of ids.slice(0, SHOWN)) this.log(`${what}: ${id}`);
      if (ids.length > SHOWN) this.log(`${what}: … and ${ids.length - SHOWN} more (--json lists all)`);
    }
    const verdict = result.ok ? 'ok' : 'DRIFT';
    this.log(
      `${verdict}: run ${result.runId}, ${result.checked} items checked (${result.cachedItems} from the stat cache), dataset ${result.currentDatasetId}`,
    );
  }
}

function describeDrift(result: VerifyDataResult): string {
  const parts = [
    [result.changed.length, 'changed'],
    [result.missing.length, 'missing'],
    [result.added.length, 'added'],
    [result.mappingsChanged.length, 'label/group files changed'],
    [result.artifactsChanged.length, 'run artifacts changed'],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, what]) => `${count} ${what}`);
  return `the dataset drifted: ${parts.join(', ')}`;
}
