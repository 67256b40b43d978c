import {Args, Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {dataRunSummary} from '../../cli/data-run-summary.js';
import {readDataPartial} from '../../services/data/data-partial.js';
import {type PrepareDataResult, PrepareDataService} from '../../services/data/prepare-data-service.js';

export default class DataMerge extends CodexCommand<typeof DataMerge> {
  static override summary = 'Record the data run of a sharded prepare-data from its partials';
  static override description =
    'Takes the partials written by prepare-data --shard i/n --out FILE (one per shard, in any order) and records the run ' +
    'prepare-data would have recorded on one machine: same dataset id, checksums, membership and manifest. Overlapping, ' +
    'missing or foreign partials (another input, seed or settings) are refused before anything is written.';
  static override examples = [
    '<%= config.bin %> prepare-data --input corpus/ --shard 0/2 --out part-0.json && <%= config.bin %> prepare-data --input corpus/ --shard 1/2 --out part-1.json',
    '<%= config.bin %> data:merge part-0.json part-1.json --json',
  ];
  static override strict = false;
  static override contracts = ['hasher', 'splitter', 'manifest-store'] as const;
  static override args = {partials: Args.string({description: 'Partial files, one per shard', required: true})};
  static override flags = {
    force: Flags.boolean({description: 'Write a new run even when an identical one exists'}),
  };

  async run(): Promise<PrepareDataResult> {
    const partials = await Promise.all(this.positional.map((path) => readDataPartial(path)));
    const {identity} = (partials[0] as (typeof partials)[number]).partial;
    // The partials decide the hasher and splitter: the merged run must be the one their shards began.
    const kernel = await this.kernel(await this.configure([`hasher=${identity.hasher.name}`, `data.splitter=${identity.splitter}`]));
    const result = await kernel.resolve(PrepareDataService).merge(partials, {
      runsDir: kernel.config.get<string>('runs.dir'),
      reuse: !this.flags.force,
      tools: {codex: this.config.version, node: process.version},
    });
    if (!this.jsonEnabled()) for (const line of dataRunSummary(result)) this.log(line);
    return result;
  }
}
