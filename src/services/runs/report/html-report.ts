import type {MetricsLine, MetricsSeries} from '../metrics-file.js';
import {escapeHtml, formatNumber} from './html-escape.js';
import {renderLineage} from './lineage-svg.js';
import type {ModelReport, ReportRows} from './model-report.js';
import type {RunReportData} from './run-report-builder.js';
import type {SplitTable} from './split-table.js';
import {type ChartSeries, renderLineChart} from './svg-line-chart.js';

/** The report's sections, in page order; those without data are left out. */
export type ReportSection = 'summary' | 'model' | 'samples' | 'curves' | 'splits' | 'tokenizer' | 'lineage' | 'artifacts' | 'config';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#1d2330;background:#fff}
h1{font-size:1.4rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:2rem 0 .6rem;border-bottom:1px solid #dde2ea;padding-bottom:.2rem}
code,pre,.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f5f7fa;border:1px solid #e3e7ee;padding:.8rem;overflow:auto;font-size:12px}
table{border-collapse:collapse;margin:.4rem 0}th,td{padding:.25rem .7rem;border-bottom:1px solid #e8ebf0;text-align:right}
th:first-child,td:first-child{text-align:left}tfoot td{font-weight:600}
.muted{color:#677086}.charts{display:flex;flex-wrap:wrap;gap:1rem}
svg text{font-size:11px;fill:#3a4254}svg .title{font-size:13px;font-weight:600}
svg .grid{stroke:#eef0f4}svg .frame{fill:none;stroke:#c9ced8}
.lineage .edge{stroke:#8a93a6;stroke-width:1.5}.lineage rect{fill:#f2f5fa;stroke:#9aa5b8}
.lineage .self rect{fill:#dbe8ff;stroke:#2f6fde;stroke-width:2}.lineage .descendant rect{fill:#f3fbf2;stroke:#66a35c}
.lineage .kind{font-weight:600}.lineage .id{font-size:10px}
.card{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.6rem;margin:.4rem 0}
.card div{border:1px solid #e3e7ee;border-radius:6px;padding:.5rem .7rem;background:#fafbfd}
.card .label{display:block;color:#677086;font-size:12px}.card .value{font-size:1.15rem;font-weight:600}
.sample{white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;background:#f5f7fa;border-left:3px solid #2f6fde;padding:.6rem .8rem;margin:.5rem 0}
`;

/**
 * Renders the report as one self-contained HTML page: inline CSS and SVG, no script, and a
 * Content-Security-Policy that forbids every network fetch, so the file opens anywhere, offline, unchanged.
 */
export function renderHtmlReport(data: RunReportData, model?: ModelReport): {html: string; sections: ReportSection[]} {
  const sections: ReportSection[] = [];
  const body: string[] = [];
  const add = (section: ReportSection, title: string, content: string) => {
    sections.push(section);
    body.push(`<section id="${section}"><h2>${escapeHtml(title)}</h2>\n${content}\n</section>`);
  };

  add('summary', 'Run', summary(data));
  if (model) {
    add('model', 'Model', modelCard(model.card) + from(model.trainingRunId, data.runId));
    if (model.samples.length > 0) add('samples', 'Samples', samples(model));
  }
  if (data.metrics) add('curves', 'Training curves', curves(data.metrics.value) + from(data.metrics.runId, data.runId));
  if (data.splits) add('splits', 'Split sizes per category', splitTable(data.splits.value) + from(data.splits.runId, data.runId));
  // Statistics measured on the model's validation split come first; the tokenizer run's own follow.
  const measured = model?.tokenizer ?? [];
  const recorded = (data.tokenizer?.value ?? []).filter(([label]) => !measured.some(([known]) => known === label));
  if (measured.length > 0 || recorded.length > 0) {
    const rows = [...measured, ...recorded]
      .map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td>${cell(value)}</td></tr>`)
      .join('');
    add(
      'tokenizer',
      'Tokenizer',
      `<table class="tokenizer-stats"><tbody>${rows}</tbody></table>${data.tokenizer ? from(data.tokenizer.runId, data.runId) : ''}`,
    );
  }
  add('lineage', 'Lineage', renderLineage(data.lineage));
  if (data.artifacts.length > 0) {
    const rows = data.artifacts
      .map(
        (a) =>
          `<tr><td><code>${escapeHtml(a.path)}</code></td><td>${formatNumber(a.bytes)}</td><td><code>${escapeHtml(a.checksum)}</code></td></tr>`,
      )
      .join('\n');
    add(
      'artifacts',
      'Artifacts',
      `<table><thead><tr><th>path</th><th>bytes</th><th>checksum</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  if (data.config) {
    add(
      'config',
      'Config',
      `<pre>${escapeHtml(JSON.stringify(data.config.value, null, 2) ?? 'null')}</pre>${from(data.config.runId, data.runId)}`,
    );
  }

  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>codex run ${escapeHtml(data.runId)} (${escapeHtml(data.kind)})</title>
<style>${STYLE}</style>
</head>
<body data-run="${escapeHtml(data.runId)}">
<h1>${escapeHtml(data.kind)} run <span class="id">${escapeHtml(data.runId)}</span></h1>
<p class="muted">created ${escapeHtml(data.createdAt)}</p>
${body.join('\n')}
</body>
</html>
`;
  return {html, sections};
}

function summary(data: RunReportData): string {
  const parents = data.parents.length === 0 ? 'none' : data.parents.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ');
  const rows: [string, string][] = [
    ['run id', `<code>${escapeHtml(data.runId)}</code>`],
    ['kind', escapeHtml(data.kind)],
    ['created', escapeHtml(data.createdAt)],
    ['parents', parents],
  ];
  for (const [key, value] of data.results)
    rows.push([escapeHtml(key), typeof value === 'number' ? formatNumber(value) : escapeHtml(String(value))]);
  // Metrics of an ancestor (the training run behind an evaluation) belong to the curves section, not here.
  const metrics = data.metrics?.runId === data.runId ? data.metrics.value : undefined;
  if (metrics) {
    const last = metrics.train.at(-1);
    const val = metrics.eval.flatMap((line) => (line.loss === undefined ? [] : [line.loss]));
    if (last?.loss !== undefined) rows.push(['final loss', formatNumber(last.loss)]);
    if (val.length > 0) rows.push(['best val loss', formatNumber(Math.min(...val))]);
    rows.push(['steps logged', formatNumber(metrics.train.length)]);
  }
  return `<table class="summary"><tbody>${rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

function modelCard(rows: ReportRows): string {
  const cells = rows.map(
    ([label, value]) => `<div><span class="label">${escapeHtml(label)}</span><span class="value">${cell(value)}</span></div>`,
  );
  return `<div class="card">${cells.join('')}</div>`;
}

function samples(model: ModelReport): string {
  const {temperature, topK, topP, maxTokens, checkpointStep} = model.sampling;
  const caption =
    `${model.samples.length} samples from the start of a document, checkpoint step ${checkpointStep}, seed ${model.samples[0]?.seed ?? 0}: ` +
    `temperature ${temperature}, top-k ${topK}, top-p ${topP}, at most ${maxTokens} tokens`;
  const blocks = model.samples.map(
    (sample, index) =>
      `<div class="sample" data-sample="${index}">${escapeHtml(sample.text)}</div><p class="muted">${sample.tokens} tokens, ended by ${escapeHtml(sample.finishReason)}</p>`,
  );
  return `<p class="muted">${escapeHtml(caption)}</p>${blocks.join('\n')}`;
}

function curves(metrics: MetricsSeries): string {
  const series = (
    name: string,
    label: string,
    color: string,
    lines: readonly MetricsLine[],
    pick: (line: MetricsLine) => number | undefined,
  ) => {
    const points = lines.flatMap((line): [number, number][] => {
      const value = pick(line);
      return value === undefined ? [] : [[line.step, value]];
    });
    return {name, label, color, points} satisfies ChartSeries;
  };
  const charts: string[] = [];
  const loss = [
    series('loss', 'loss', '#2f6fde', metrics.train, (line) => line.loss),
    series('val-loss', 'val loss', '#d9593d', metrics.eval, (line) => line.loss),
  ].filter((s) => s.points.length > 0);
  if (loss.length > 0) charts.push(renderLineChart({title: 'Loss', xLabel: 'step', series: loss}));
  const single = (name: string, title: string, color: string, pick: (line: MetricsLine) => number | undefined) => {
    const s = series(name, title, color, metrics.train, pick);
    if (s.points.length > 0) charts.push(renderLineChart({title, xLabel: 'step', series: [s]}));
  };
  single('lr', 'Learning rate', '#7a4fd0', (line) => line.lr);
  single('tokens-per-s', 'Tokens per second', '#2b9a66', (line) => line.tokensPerSecond);
  single('grad-norm', 'Gradient norm', '#b07d12', (line) => line.gradNorm);
  return `<div class="charts">${charts.join('\n')}</div><p class="muted">${metrics.lines.length} metrics lines (${metrics.train.length} train, ${metrics.eval.length} eval)</p>`;
}

function splitTable(table: SplitTable): string {
  const head = `<tr><th>category</th>${table.splits.map((split) => `<th>${escapeHtml(split)}</th>`).join('')}<th>total</th></tr>`;
  const rows = table.categories.map((category) => {
    const counts = table.splits.map((split) => table.counts[category]?.[split] ?? 0);
    return `<tr><td>${escapeHtml(category)}</td>${counts.map((n) => `<td>${formatNumber(n)}</td>`).join('')}<td>${formatNumber(counts.reduce((a, b) => a + b, 0))}</td></tr>`;
  });
  const totals = table.splits.map((split) => table.totals[split] ?? 0);
  let foot = `<tr><td>total</td>${totals.map((n) => `<td>${formatNumber(n)}</td>`).join('')}<td>${formatNumber(totals.reduce((a, b) => a + b, 0))}</td></tr>`;
  if (table.bytes) {
    const bytes = table.bytes;
    foot += `<tr><td>bytes</td>${table.splits.map((split) => `<td>${bytes[split] === undefined ? '' : formatNumber(bytes[split])}</td>`).join('')}<td></td></tr>`;
  }
  return `<table class="splits"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody><tfoot>${foot}</tfoot></table>`;
}

function cell(value: string | number): string {
  return typeof value === 'number' ? formatNumber(value) : escapeHtml(value);
}

function from(sourceRunId: string, runId: string): string {
  return sourceRunId === runId ? '' : `<p class="muted">from run <code>${escapeHtml(sourceRunId)}</code></p>`;
}
