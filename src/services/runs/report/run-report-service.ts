import {resolve} from 'node:path';
import {type Manifest, utf8, writeFileAtomic} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {runDirectoryOf} from '../run-artifacts.js';
import {RunCatalog} from '../run-catalog.js';
import {type ReportSection, renderHtmlReport} from './html-report.js';
import type {ModelReport} from './model-report.js';
import {RunReportBuilder} from './run-report-builder.js';

/** What `runs:report` returns (also under `--json`). */
export interface RunReport {
  readonly runId: string;
  readonly path: string;
  readonly bytes: number;
  /** Sections the report contains; parts no run in the lineage has are left out. */
  readonly sections: readonly ReportSection[];
  readonly metricsLines: number;
}

export interface RunReportOptions {
  readonly runsDir: string;
  readonly out?: string;
  /** The model part (card, samples) of the run whose manifest is given, when it has one. */
  readonly model?: (root: Manifest) => Promise<ModelReport | undefined>;
}

/** Writes a run's self-contained HTML report, atomically, to `out` or `<runs dir>/<id>/report.html`. */
@injectable()
export class RunReportService {
  constructor(
    @inject(RunReportBuilder) private readonly builder: RunReportBuilder,
    @inject(RunCatalog) private readonly catalog: RunCatalog,
  ) {}

  async write(runId: string, options: RunReportOptions): Promise<RunReport> {
    const data = await this.builder.build(runId, options.runsDir);
    const model = options.model ? await options.model(await this.catalog.manifest(data.runId)) : undefined;
    const {html, sections} = renderHtmlReport(data, model);
    const path = resolve(options.out ?? `${runDirectoryOf(options.runsDir, data.runId)}/report.html`);
    const bytes = utf8(html);
    await writeFileAtomic(path, bytes);
    return {runId: data.runId, path, bytes: bytes.length, sections, metricsLines: data.metrics?.value.lines.length ?? 0};
  }
}
