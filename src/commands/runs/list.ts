import {CodexError, ExitCode} from '@codex-ml/core';
import {Flags} from '@oclif/core';
import {CodexCommand} from '../../cli/codex-command.js';
import {formatCount} from '../../cli/format.js';
import {Interrupts} from '../../cli/interrupts.js';
import {formatTable} from '../../cli/table.js';
import {escapeControls} from '../../cli/terminal-text.js';
import {failedRuns} from '../../services/runs/failed-run.js';
import {RunCatalog, type RunList} from '../../services/runs/run-catalog.js';
import {type RunRow, sinceTime} from '../../services/runs/run-listing.js';
import {resolveRunReference} from '../../services/runs/run-reference.js';
import {explainStoreFailure} from '../../services/runs/store-coverage.js';

export default class RunsList extends CodexCommand<typeof RunsList> {
  static override summary = 'List runs as a table: kind, name, created, parents, tags and key figures';
  static override description =
    'Oldest first. Filters combine (all must match): --kind, --dataset and --parent use the store’s indexes; --tag and ' +
    '--since read each run’s manifest. Run ids are shown by their shortest unique prefix (at least 10 characters), which ' +
    'every command that takes a run accepts, as it accepts latest; --json lists full ids.';
  static override examples = [
    '<%= config.bin %> runs:list',
    '<%= config.bin %> runs:list --kind training --tag baseline --since 7d',
    '<%= config.bin %> runs:list --kind training --newest --limit 5',
    '<%= config.bin %> runs:list --parent 01J0ABCDEF --json',
  ];
  static override contracts = ['manifest-store'] as const;
  static override flags = {
    kind: Flags.string({description: 'Only runs of this kind (data, tokenizer, training, evaluation, …)'}),
    tag: Flags.string({description: 'Only runs with this tag (--tag of the command that created them)'}),
    since: Flags.string({description: 'Only runs created since a date (2026-12-01) or for a span (30m, 12h, 7d, 2w)'}),
    dataset: Flags.string({description: 'Only runs that record this dataset id'}),
    parent: Flags.string({description: 'Only runs that consumed this run (a run id, a unique prefix, or latest)'}),
    newest: Flags.boolean({description: 'Newest first'}),
    limit: Flags.integer({description: 'At most this many runs', min: 1}),
  };

  async run(): Promise<RunList> {
    const config = await this.configure();
    const runsDir = config.get<string>('runs.dir');
    const since = this.flags.since === undefined ? undefined : sinceTime(this.flags.since);
    if (this.flags.since !== undefined && since === undefined) {
      throw new CodexError('E_USAGE', `--since ${JSON.stringify(this.flags.since)} is neither a date nor a span`, {
        hint: 'give a date such as 2026-12-01 or a span such as 30m, 12h, 7d, 2w',
        exitCode: ExitCode.usage,
      });
    }
    const kernel = await this.kernel(config).catch(async (error: unknown) => {
      throw await explainStoreFailure(error, config.get<string>('manifest.store'), runsDir);
    });
    const catalog = kernel.resolve(RunCatalog);
    const query = {
      kind: this.flags.kind,
      datasetId: this.flags.dataset,
      parent: this.flags.parent === undefined ? undefined : await resolveRunReference(this.flags.parent, runsDir),
      newestFirst: this.flags.newest,
      limit: this.flags.limit,
    };
    const result = await catalog.list(query, {tag: this.flags.tag, since});
    const {runs} = result;
    // An index that lists nothing while run directories exist is never shown as "no runs".
    const unfiltered =
      query.kind === undefined &&
      query.datasetId === undefined &&
      query.parent === undefined &&
      query.limit === undefined &&
      since === undefined &&
      this.flags.tag === undefined;
    if (unfiltered || runs.length === 0) {
      const warning = await catalog.coverageWarning(runsDir, unfiltered ? runs.length : undefined);
      if (warning) this.warnLine(warning);
    }
    // Failed runs have no manifest, so no store lists them: they come from the run directories.
    const failed = unfiltered || query.kind === 'failed' ? await failedRuns(runsDir) : [];
    if (!this.jsonEnabled()) {
      if (runs.length > 0 || failed.length === 0) this.#print(runs);
      for (const run of failed) this.log(`${run.runId}  failed  ${localTime(run.at)}  ${run.code}: ${escapeControls(run.message)}`);
    }
    return {...result, failed};
  }

  #print(runs: readonly RunRow[]): void {
    if (runs.length === 0) {
      this.log('no runs');
      return;
    }
    const short = shortIds(runs.flatMap((run) => [run.runId, ...run.parents]));
    const rows = runs.map((run) => [
      short(run.runId),
      run.kind,
      run.name ?? '-',
      localTime(run.createdAt),
      run.parents.map(short).join(',') || '-',
      run.tags.join(',') || '-',
      figures(run),
    ]);
    for (const line of formatTable(['RUN', 'KIND', 'NAME', 'CREATED', 'PARENTS', 'TAGS', 'METRICS'], rows)) this.log(line);
  }

  /**
   * oclif colorizes JSON token by token, which costs about a second for 10,000 runs; colour means nothing when
   * stdout is a pipe or file, so print plain JSON there.
   */
  override logJson(json: unknown): void {
    if (process.stdout.isTTY || Interrupts.stopping) super.logJson(json);
    else process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }
}

/** Each id cut to its shortest prefix that no other id shown shares, at least 10 characters (its timestamp). */
function shortIds(ids: readonly string[]): (id: string) => string {
  const sorted = [...new Set(ids)].sort();
  const lengths = new Map<string, number>();
  for (const [index, id] of sorted.entries()) {
    const common = (other: string | undefined) => {
      let length = 0;
      while (other !== undefined && length < id.length && id[length] === other[length]) length++;
      return length;
    };
    lengths.set(id, Math.min(id.length, Math.max(10, common(sorted[index - 1]) + 1, common(sorted[index + 1]) + 1)));
  }
  return (id) => id.slice(0, lengths.get(id) ?? id.length);
}

/** `2026-12-01 16:47`, in the local time zone. */
function localTime(iso: string): string {
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function figures(run: RunRow): string {
  const m = run.metrics;
  const loss = (value: number | undefined) => (value === undefined ? undefined : value.toFixed(4));
  const parts: Array<string | undefined> =
    run.kind === 'data'
      ? [m['items'] === undefined ? undefined : `${formatCount(m['items'])} items`]
      : run.kind === 'tokenizer'
        ? [m['vocabSize'] === undefined ? undefined : `${formatCount(m['vocabSize'])} tokens`]
        : run.kind === 'training'
          ? [
              m['steps'] === undefined ? undefined : `${formatCount(m['steps'])} steps`,
              loss(m['finalLoss']) && `loss ${loss(m['finalLoss'])}`,
              loss(m['finalValLoss']) && `val ${loss(m['finalValLoss'])}`,
            ]
          : run.kind === 'evaluation'
            ? [
                loss(m['loss']) && `loss ${loss(m['loss'])}`,
                m['perplexity'] === undefined ? undefined : `ppl ${m['perplexity'].toFixed(2)}`,
              ]
            : [];
  return parts.filter((part) => part !== undefined).join(' ') || '-';
}
