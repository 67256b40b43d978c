import {resolve} from 'node:path';
import {CodexError, ExitCode, INVALID_UTF8_POLICIES, type InvalidUtf8Policy, type ResolvedConfig, type SplitRatio} from '@codex-ml/core';
import {Flags} from '@oclif/core';
import {CodexCommand} from '../cli/codex-command.js';
import {ProgressBar, formatBytes} from '../cli/progress-bar.js';
import {bindDataBackends} from '../services/data/data-backends.js';
import type {DataManifestSplit} from '../services/data/data-manifest.js';
import type {DatasetFormat} from '../services/data/dataset-item.js';
import {locateDataset} from '../services/data/dataset-location.js';
import {PrepareDataService} from '../services/data/prepare-data-service.js';

export interface PrepareDataOutput {
  readonly runId: string;
  /** Path of the manifest file. */
  readonly manifest: string;
  readonly runDir: string;
  readonly datasetId: string;
  readonly splitter: string;
  readonly seed: number;
  readonly itemCount: number;
  readonly bytes: number;
  /** Items per split. */
  readonly counts: Readonly<Record<string, number>>;
  readonly splits: readonly DataManifestSplit[];
  readonly cachedItems: number;
  /** True when an identical earlier run was reused instead of writing a new one. */
  readonly cached: boolean;
}

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
  static override flags = {
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
        'Text that is not valid UTF-8: error (default; names file, line and byte offset), replace (U+FFFD) or skip the line. ' +
        'Checksums always cover the raw bytes. Recorded in the manifest, so every later reader decodes alike.',
      options: [...INVALID_UTF8_POLICIES],
      default: 'error',
    }),
  };

  async run(): Promise<PrepareDataOutput> {
    const config = this.resolveConfig(this.flagOverrides());
    const kernel = await this.kernel(config);
    const backends = await bindDataBackends(kernel, true);
    const ratios = ratiosOf(config);
    const location = await locateDataset(config.get<string | null>('data.input'), config.get<DatasetFormat | 'auto'>('data.format'));
    const progress = new ProgressBar('hashing', this.interactive, 'bytes');
    const threads = config.get<number>('data.threads');
    const result = await kernel
      .resolve(PrepareDataService)
      .prepare({
        dataset: {
          location,
          jsonl: {
            idField: config.get<string>('data.jsonl.idField'),
            textField: config.get<string>('data.jsonl.textField'),
            labelField: config.get<string>('data.jsonl.labelField') || null,
            groupField: config.get<string>('data.jsonl.groupField') || null,
          },
          brown: {stripTags: config.get<boolean>('data.brown.stripTags')},
          labels: pathOrNull(config.get<string | null>('data.labels')),
          groups: pathOrNull(config.get<string | null>('data.groups')),
          onInvalidUtf8: this.flags['on-invalid-utf8'] as InvalidUtf8Policy,
        },
        ratios,
        seed: config.get<number>('data.seed'),
        runsDir: config.get<string>('runs.dir'),
        cacheDir: config.get<string>('cache.dir'),
        useCache: config.get<boolean>('data.cache'),
        threads: threads > 0 ? threads : undefined,
        inlineItems: config.get<number>('data.inlineItems'),
        reuse: !this.flags.force,
        hasherBackend: backends.hasher,
        splitterBackend: backends.splitter,
        tools: {codex: this.config.version, node: process.version, ...backends.versions},
        config: {hasher: config.get('hasher'), manifestStore: config.get('manifest.store'), data: config.get('data')},
        onProgress: (done, total) => progress.update(done, total),
      })
      .finally(() => progress.stop());

    const output: PrepareDataOutput = {
      runId: result.runId,
      manifest: result.manifest,
      runDir: result.runDir,
      datasetId: result.datasetId,
      splitter: backends.splitter.name,
      seed: result.data.seed,
      itemCount: result.itemCount,
      bytes: result.bytes,
      counts: result.counts,
      splits: result.splits,
      cachedItems: result.cachedItems,
      cached: result.cached,
    };
    if (!this.jsonEnabled()) this.printSummary(output);
    return output;
  }

  /** Command flags are shorthands for config keys; they rank with --set (explicit --set wins). */
  private flagOverrides(): string[] {
    const {flags} = this;
    const sets: string[] = [];
    if (flags.input !== undefined) sets.push(`data.input=${flags.input}`);
    if (flags.format !== undefined) sets.push(`data.format=${flags.format}`);
    if (flags.seed !== undefined) sets.push(`data.seed=${flags.seed}`);
    if (flags.ratios !== undefined) sets.push(`data.ratios=${flags.ratios}`);
    if (flags.splits !== undefined) sets.push(`data.splits=${flags.splits}`);
    if (flags.splitter !== undefined) sets.push(`data.splitter=${flags.splitter}`);
    if (flags.labels !== undefined) sets.push(`data.labels=${flags.labels}`);
    if (flags.groups !== undefined) sets.push(`data.groups=${flags.groups}`);
    if (flags.cache !== undefined) sets.push(`data.cache=${flags.cache}`);
    return sets;
  }

  private printSummary(output: PrepareDataOutput): void {
    if (output.cached) this.log(`cache hit: run ${output.runId} has the same dataset, parameters and split (--force writes a new run)`);
    this.log(
      `run ${output.runId}  ${output.itemCount} items, ${formatBytes(output.bytes)}  splitter ${output.splitter}, seed ${output.seed}`,
    );
    this.log(`dataset ${output.datasetId}`);
    const rows: string[][] = [['split', 'items', 'bytes', 'share']];
    for (const split of output.splits) {
      rows.push([split.name, String(split.items), formatBytes(split.bytes), `${((100 * split.items) / output.itemCount).toFixed(1)}%`]);
    }
    this.log(table(rows));
    const labels = [...new Set(output.splits.flatMap((split) => Object.keys(split.labels ?? {})))].sort();
    if (labels.length > 0) {
      const labelRows = [['label', ...output.splits.map((split) => split.name)]];
      for (const label of labels) labelRows.push([label, ...output.splits.map((split) => String(split.labels?.[label] ?? 0))]);
      this.log(table(labelRows));
    }
    this.log(`manifest ${output.manifest}`);
  }
}

function ratiosOf(config: ResolvedConfig): SplitRatio[] {
  const names = config.get<string[]>('data.splits');
  const ratios = config.get<number[]>('data.ratios');
  if (names.length !== ratios.length) {
    throw new CodexError(
      'E_CONFIG',
      `data.splits names ${names.length} splits (${names.join(', ')}) but data.ratios gives ${ratios.length} ratios`,
      {
        hint: 'give one ratio per split name, e.g. --splits train,test --ratios 0.9,0.1',
        exitCode: ExitCode.config,
      },
    );
  }
  return names.map((name, i) => ({name, ratio: ratios[i] as number}));
}

function pathOrNull(value: string | null): string | null {
  return value === null || value === '' ? null : resolve(value);
}

function table(rows: readonly string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '),
    )
    .join('\n');
}
