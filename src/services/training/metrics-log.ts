import {type FileHandle, open, readFile} from 'node:fs/promises';
import {errnoCode, fileError, withAtomicFile} from '@codex-ml/core';

/** One optimizer step. `tokens_per_s` and `elapsed` are wall-clock measurements; all else is deterministic. */
export interface TrainMetricsLine {
  readonly kind: 'train';
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly lr: number;
  readonly grad_norm: number;
  readonly tokens: number;
  readonly tokens_per_s: number;
  readonly elapsed: number;
}

/** One evaluation on the val split. */
export interface EvalMetricsLine {
  readonly kind: 'eval';
  readonly step: number;
  readonly loss: number;
  readonly perplexity: number;
  readonly tokens: number;
  readonly elapsed: number;
}

export type MetricsLine = TrainMetricsLine | EvalMetricsLine;

/** Fields that measure time and therefore differ between two otherwise identical runs. */
export const WALL_CLOCK_FIELDS = ['tokens_per_s', 'elapsed'] as const;

/**
 * `metrics.ndjson`: one JSON object per line, appended as training goes. On resume the file is cut back to
 * the lines of steps the checkpoint covers, so the resumed run rewrites exactly the lines an uninterrupted
 * run would have written.
 */
export class MetricsLog {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens for appending; with `keepThroughStep`, first drops lines of later steps and any torn last line. */
  static async open(path: string, options: {readonly keepThroughStep?: number} = {}): Promise<MetricsLog> {
    if (options.keepThroughStep !== undefined) {
      const kept = (await readMetrics(path, {tolerateTornLine: true})).filter((line) => line.step <= (options.keepThroughStep as number));
      await withAtomicFile(path, async (handle) => {
        await handle.writeFile(kept.map((line) => `${JSON.stringify(line)}\n`).join(''));
      });
    }
    const handle = await open(path, 'a').catch((error: unknown) => {
      throw fileError(path, error, 'write');
    });
    return new MetricsLog(path, handle);
  }

  async append(line: MetricsLine): Promise<void> {
    // A full disk names the file, not only "ENOSPC … write".
    await this.handle.appendFile(`${JSON.stringify(line)}\n`).catch((error: unknown) => {
      throw fileError(this.path, error, 'write');
    });
  }

  /** Makes the lines so far durable (called before each checkpoint). */
  async sync(): Promise<void> {
    await this.handle.sync().catch((error: unknown) => {
      throw fileError(this.path, error, 'write');
    });
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Parses a metrics file; a torn last line (a writer killed mid-append) is dropped when tolerated. */
export async function readMetrics(path: string, options: {readonly tolerateTornLine?: boolean} = {}): Promise<MetricsLine[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw fileError(path, error);
  }
  const rows = text.split('\n');
  const lines: MetricsLine[] = [];
  for (const [index, row] of rows.entries()) {
    if (row === '') continue;
    try {
      lines.push(JSON.parse(row) as MetricsLine);
    } catch (_error) {
      const isLast = rows.slice(index + 1).every((rest) => rest === '');
      if (options.tolerateTornLine && isLast) break;
      throw fileError(path, new Error(`line ${index + 1} is not JSON`), 'parse');
    }
  }
  return lines;
}
