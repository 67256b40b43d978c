import {parseShard} from '@codex-ml/core';
import {Flags} from '@oclif/core';
import {formatCount} from '../cli/format.js';
import {runLabelFlags} from '../cli/run-label-flags.js';
import {CodexCommand} from '../cli/codex-command.js';
import {dataRunSummary} from '../cli/data-run-summary.js';
import {ProgressBar} from '../cli/progress-bar.js';
import {readDataPartial} from '../services/data/data-partial.js';
import {prepareDataRequest} from '../services/data/prepare-data-request.js';
import {
  type PrepareDataRequest,
  type PrepareDataResult,
  type PrepareDataShardResult,
  PrepareDataService,
} from '../services/data/prepare-data-service.js';
import {SHARD_TASKS} from '../services/shards/shard-tasks.js';
import {ShardedWork} from '../services/shards/sharded-work.js';

/** A data run, or with --shard the partial of one shard. */
export type PrepareDataOutput = PrepareDataResult | PrepareDataShardResult;

export default class PrepareData extends CodexCommand<typeof PrepareData> {
  static override summary = 'Split a dataset deterministically and record a verifiable manifest';
  static override description =
    'Reads a directory of files, a .jsonl or a .txt file (default: the embedded Brown corpus), checksums every item with ' +
    'the configured hasher (in parallel, through a stat cache), splits it with the configured splitter and writes ' +
    'runs/<ULID>/manifest.json, splits/<name>.txt and checksums.txt. The same data and seed give the same split on every machine.';
  static override examples = [
    '<%= config.bin %> prepare-data',
    '<%= config.bin %> prepare-data --input corpus/ --ratios 0.9,0.1 --splits train,test --seed 7',
    '<%= config.bin %> prepare-data --splitter stratified --json',
  ];
  static override defaultConfigFile = 'configs/data/base.yaml';
  static override contracts = ['hasher', 'splitter', 'manifest-store'] as const;
  static override flags = {
    ...runLabelFlags,
    input: Flags.string({char: 'i', description: 'Dataset: a directory, a .jsonl or a .txt file (data.input)'}),
    format: Flags.string({description: 'How to read --input (data.format)', options: ['auto', 'directory', 'jsonl', 'txt', 'brown']}),
    seed: Flags.integer({description: 'Seed of the split (data.seed)'}),
    ratios: Flags.string({description: 'Comma-separated split ratios summing to 1, e.g. 0.8,0.1,0.1 (data.ratios)'}),
    splits: Flags.string({description: 'Comma-separated split names, same order as --ratios (data.splits)'}),
    splitter: Flags.string({description: 'Splitter backend: seeded, hash-bucket, stratified, grouped, … (data.splitter)'}),
    labels: Flags.string({description: 'Label mapping file of "<id> <label>" lines (data.labels)'}),
    groups: Flags.string({description: 'Group mapping file of "<id> <group>" lines (data.groups)'}),
    cache: Flags.boolean({description: 'Trust the stat cache for unchanged files (--no-cache re-hashes all)', allowNo: true}),
    force: Flags.boolean({description: 'Write a new run even when an identical one exists (same dataset, parameters and split)'}),
    'on-invalid-utf8': Flags.string({
      description:
        'Text that is not valid UTF-8: error (names file, line and byte offset), replace (U+FFFD) or skip the line ' +
        '(data.onInvalidUtf8). Checksums always cover the raw bytes; the choice is recorded in the manifest.',
      options: ['error', 'replace', 'skip'],
    }),
    shard: Flags.string({
      description:
        'Checksum only shard i of n (items by a stable hash of their id) and write a partial to --out; data:merge records the run',
      dependsOn: ['out'],
    }),
    out: Flags.string({description: 'Partial file written by --shard (atomically)', dependsOn: ['shard']}),
  };

  async run(): Promise<PrepareDataOutput> {
    const shard = this.flags.shard === undefined ? undefined : parseShard(this.flags.shard);
    const kernel = await this.kernel(await this.configure(this.flagOverrides()));
    const progress = new ProgressBar('hashing', this.interactive, 'bytes');
    const request = await prepareDataRequest(kernel.config, {
      reuse: !this.flags.force,
      tools: {codex: this.config.version, node: process.version},
      onProgress: (done, total) => progress.update(done, total),
    });
    const service = kernel.resolve(PrepareDataService);
    if (shard !== undefined) {
      const partial = await service.prepareShard(request, shard, this.flags.out as string).finally(() => progress.stop());
      if (!this.jsonEnabled())
        this.log(
          `shard ${partial.shard}: ${formatCount(partial.items)} of ${formatCount(partial.datasetItems)} items → ${partial.partial}`,
        );
      return partial;
    }
    const work = new ShardedWork(kernel);
    const result =
      work.shards > 1 ? await this.sharded(work, service, request) : await service.prepare(request).finally(() => progress.stop());
    if (!this.jsonEnabled()) for (const line of dataRunSummary(result)) this.log(line);
    return result;
  }

  /** executor.shards > 1: every shard a job on the configured executor, then the merge of their partials. */
  private async sharded(work: ShardedWork, service: PrepareDataService, request: PrepareDataRequest): Promise<PrepareDataResult> {
    const progress = new ProgressBar('shards', this.interactive, 'items');
    const shards = await work
      .run<PrepareDataShardResult>(SHARD_TASKS.data, {record: request.config}, (done, total) => progress.update(done, total))
      .finally(() => progress.stop());
    const partials = await Promise.all(shards.map((shard) => readDataPartial(shard.partial)));
    return await service.merge(partials, request);
  }

  /** Command flags are shorthands for config keys; they rank with --set (explicit --set wins). */
  private flagOverrides(): string[] {
    const {flags} = this;
    const sets: string[] = [];
    if (flags.input !== undefined) sets.push(`data.input=${flags.input}`);
    if (flags.format !== undefined) sets.push(`data.format=${flags.format}`);
    if (flags['on-invalid-utf8'] !== undefined) sets.push(`data.onInvalidUtf8=${flags['on-invalid-utf8']}`);
    if (flags.seed !== undefined) sets.push(`data.seed=${flags.seed}`);
    if (flags.ratios !== undefined) sets.push(`data.ratios=${flags.ratios}`);
    if (flags.splits !== undefined) sets.push(`data.splits=${flags.splits}`);
    if (flags.splitter !== undefined) sets.push(`data.splitter=${flags.splitter}`);
    if (flags.labels !== undefined) sets.push(`data.labels=${flags.labels}`);
    if (flags.groups !== undefined) sets.push(`data.groups=${flags.groups}`);
    if (flags.cache !== undefined) sets.push(`data.cache=${flags.cache}`);
    return sets;
  }
}
