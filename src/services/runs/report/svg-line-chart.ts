import {escapeHtml, formatNumber} from './html-escape.js';

export interface ChartSeries {
  /** Stable name, written as `data-series` so tests and styles can find the curve. */
  readonly name: string;
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly ChartSeries[];
}

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = {top: 28, right: 16, bottom: 36, left: 64} as const;
/** Series with at most this many points also get a marker per point (eval curves are sparse). */
const MARKER_LIMIT = 60;

/**
 * One chart as inline SVG: linear axes over the union of all series, one `<polyline>` per series whose
 * `points` attribute has exactly one pair per data point (and `data-points` says how many).
 */
export function renderLineChart(chart: LineChart): string {
  const all = chart.series.flatMap((series) => series.points);
  const [xMin, xMax] = paddedRange(
    all.map(([x]) => x),
    0,
  );
  const [yMin, yMax] = paddedRange(
    all.map(([, y]) => y),
    0.05,
  );
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const sy = (y: number) => MARGIN.top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(chart.title)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  parts.push(`<text class="title" x="${MARGIN.left}" y="18">${escapeHtml(chart.title)}</text>`);
  for (const tick of ticks(yMin, yMax)) {
    const y = sy(tick).toFixed(1);
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`);
    parts.push(
      `<text class="tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatNumber(tick)}</text>`,
    );
  }
  for (const tick of ticks(xMin, xMax)) {
    const x = sx(tick).toFixed(1);
    parts.push(`<text class="tick" x="${x}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${formatNumber(tick)}</text>`);
  }
  parts.push(
    `<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}"/>`,
    `<text class="axis" x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 4}" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>`,
  );
  for (const series of chart.series) {
    const coordinates = series.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    parts.push(
      `<polyline class="curve" data-series="${escapeHtml(series.name)}" data-points="${series.points.length}" fill="none" stroke="${series.color}" stroke-width="1.5" points="${coordinates.join(' ')}"/>`,
    );
    if (series.points.length <= MARKER_LIMIT) {
      for (const coordinate of coordinates) {
        const [cx, cy] = coordinate.split(',');
        parts.push(`<circle class="marker" cx="${cx}" cy="${cy}" r="2.5" fill="${series.color}"/>`);
      }
    }
  }
  // Legend in the title row, right-aligned, so it never covers a curve.
  chart.series.forEach((series, index) => {
    const x = WIDTH - MARGIN.right - (chart.series.length - index) * 150;
    const y = 14;
    parts.push(
      `<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${series.color}" stroke-width="2"/>`,
      `<text class="legend" x="${x + 24}" y="${y}" dominant-baseline="middle">${escapeHtml(series.label)} (${series.points.length})</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** [min, max] of the values widened by `pad` of the span; a degenerate span becomes a unit one. */
function paddedRange(values: readonly number[], pad: number): [number, number] {
  if (values.length === 0) return [0, 1];
  // A loop, not Math.min(...values): long training runs exceed the engine's argument limit.
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const span = max - min;
  return [min - span * pad, max + span * pad];
}

/** About five round tick values inside [min, max]. */
function ticks(min: number, max: number): number[] {
  const rough = (max - min) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const values: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) values.push(Number(value.toPrecision(12)));
  return values;
}
