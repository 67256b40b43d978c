import {resolve} from 'node:path';
import {utf8, writeFileAtomic} from '@codex-ml/core';
import {inject, injectable} from 'tsyringe';
import {runDirectoryOf} from '../run-artifacts.js';
import {type ReportSection, renderHtmlReport} from './html-report.js';
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

/** Writes a run's self-contained HTML report, atomically, to `out` or `<runs dir>/<id>/report.html`. */
@injectable()
export class RunReportService {
  constructor(@inject(RunReportBuilder) private readonly builder: RunReportBuilder) {}

  async write(runId: string, options: {readonly runsDir: string; readonly out?: string}): Promise<RunReport> {
    const data = await this.builder.build(runId, options.runsDir);
    const {html, sections} = renderHtmlReport(data);
    const path = resolve(options.out ?? `${runDirectoryOf(options.runsDir, data.runId)}/report.html`);
    const bytes = utf8(html);
    await writeFileAtomic(path, bytes);
    return {runId: data.runId, path, bytes: bytes.length, sections, metricsLines: data.metrics?.value.lines.length ?? 0};
  }
}
