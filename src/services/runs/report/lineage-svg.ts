import {escapeHtml} from './html-escape.js';

export interface LineageNode {
  readonly runId: string;
  /** Undefined for a parent whose manifest is not stored. */
  readonly kind: string | undefined;
  readonly role: 'self' | 'ancestor' | 'descendant';
}

export interface LineageEdge {
  readonly parent: string;
  readonly child: string;
}

export interface Lineage {
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

const NODE_WIDTH = 190;
const NODE_HEIGHT = 40;
const COLUMN_GAP = 60;
const ROW_GAP = 14;

/**
 * The lineage as a left-to-right layered graph in SVG: a run's column is its longest chain of ancestors
 * within the graph, so every edge points right. Rows within a column are in run id order (deterministic).
 */
export function renderLineage(lineage: Lineage): string {
  const parentsOf = new Map<string, string[]>();
  for (const edge of lineage.edges) parentsOf.set(edge.child, [...(parentsOf.get(edge.child) ?? []), edge.parent]);
  const depth = new Map<string, number>();
  const depthOf = (runId: string, visiting: Set<string>): number => {
    const known = depth.get(runId);
    if (known !== undefined) return known;
    if (visiting.has(runId)) return 0;
    visiting.add(runId);
    const parents = parentsOf.get(runId) ?? [];
    const value = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((parent) => depthOf(parent, visiting)));
    visiting.delete(runId);
    depth.set(runId, value);
    return value;
  };
  const columns = new Map<number, LineageNode[]>();
  for (const node of [...lineage.nodes].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0))) {
    const column = depthOf(node.runId, new Set());
    columns.set(column, [...(columns.get(column) ?? []), node]);
  }
  const position = new Map<string, {x: number; y: number}>();
  for (const [column, nodes] of columns) {
    for (const [row, node] of nodes.entries()) {
      position.set(node.runId, {x: 10 + column * (NODE_WIDTH + COLUMN_GAP), y: 10 + row * (NODE_HEIGHT + ROW_GAP)});
    }
  }
  const width = 20 + Math.max(1, columns.size) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP;
  const height = 20 + Math.max(1, ...[...columns.values()].map((nodes) => nodes.length)) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP + NODE_HEIGHT;
  const parts = [
    `<svg class="lineage" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Run lineage" xmlns="http://www.w3.org/2000/svg">`,
  ];
  for (const edge of lineage.edges) {
    const from = position.get(edge.parent);
    const to = position.get(edge.child);
    if (!from || !to) continue;
    const x1 = from.x + NODE_WIDTH;
    const y1 = from.y + NODE_HEIGHT / 2;
    const x2 = to.x;
    const y2 = to.y + NODE_HEIGHT / 2;
    const bend = (x2 - x1) / 2;
    // An edge that skips a column would cross the nodes between: arc it below them.
    const arc = x2 - x1 > COLUMN_GAP ? NODE_HEIGHT + ROW_GAP : 0;
    parts.push(
      `<path class="edge" data-parent="${edge.parent}" data-child="${edge.child}" d="M${x1},${y1} C${x1 + bend},${y1 + arc} ${x2 - bend},${y2 + arc} ${x2},${y2}" fill="none"/>`,
    );
  }
  for (const node of lineage.nodes) {
    const at = position.get(node.runId);
    if (!at) continue;
    parts.push(
      `<g class="node ${node.role}" data-run="${node.runId}">`,
      `<rect x="${at.x}" y="${at.y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6"/>`,
      `<text x="${at.x + 8}" y="${at.y + 16}" class="kind">${escapeHtml(node.kind ?? 'manifest missing')}</text>`,
      `<text x="${at.x + 8}" y="${at.y + 31}" class="id">${node.runId}</text>`,
      '</g>',
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
