import {formatBytes, formatCount, formatSeconds} from './format.js';

export {formatBytes} from './format.js';

/** What a bar counts: bytes are shown as sizes with a rate, items and steps as counts. */
export type ProgressUnit = 'bytes' | 'items' | 'steps';

/**
 * Whether progress may be drawn: only for a person at a terminal. Never under `--json` (unless a parent codex
 * that reads the JSON asks for it with CODEX_PROGRESS=stderr, for a pipeline stage), never when stderr is not
 * a TTY, never with `CI` set or `TERM=dumb` (logs would fill with redraws).
 */
export function progressEnabled(json: boolean, env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stderr.isTTY)): boolean {
  if (!isTTY || env.TERM === 'dumb' || (env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false')) return false;
  return !json || env.CODEX_PROGRESS === 'stderr';
}

/**
 * The one progress line of every long command, on stderr, redrawn at most ten times a second:
 * `[3/5] train · training [######......] 45% 135/300 steps  loss 3.2141  eta 1m05s`. The prefix is the stage
 * label a parent pipeline passes (CODEX_PROGRESS_LABEL). The line is cut to the terminal's width, so a redraw
 * never wraps; the bar is coloured unless NO_COLOR is set. Silent unless enabled (see `progressEnabled`).
 */
export class ProgressBar {
  #lastDraw = 0;
  #drawn = false;
  readonly #started = Date.now();
  readonly #prefix: string;

  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly unit: ProgressUnit = 'items',
  ) {
    const stage = process.env.CODEX_PROGRESS_LABEL;
    this.#prefix = stage ? `${stage} · ` : '';
  }

  /**
   * `extra`: figures shown after the count (loss, tokens/s); `etaSeconds`: the caller's own estimate, when it
   * knows better than the average rate so far (training excludes evaluation pauses).
   */
  update(done: number, total: number, extra = '', etaSeconds?: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.#lastDraw < 100 && done < total) return;
    this.#lastDraw = now;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const elapsed = (now - this.#started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = etaSeconds ?? (rate > 0 && total > done ? (total - done) / rate : undefined);
    const amount =
      this.unit === 'bytes'
        ? `${formatBytes(done)}/${formatBytes(total)}  ${formatBytes(rate)}/s`
        : `${formatCount(done)}/${formatCount(total)}${this.unit === 'steps' ? ' steps' : ''}`;
    const parts = [
      `${this.#prefix}${this.label}`,
      total > 0 ? `${bar(fraction)} ${`${Math.floor(fraction * 100)}%`.padStart(4)}` : '',
      amount,
      extra,
      eta !== undefined && total > done ? `eta ${formatSeconds(eta)}` : `${formatSeconds(elapsed)}`,
    ].filter((part) => part !== '');
    process.stderr.write(`\r${fitToTerminal(parts.join('  '))}\u001b[K`);
    this.#drawn = true;
  }

  stop(): void {
    if (this.#drawn) process.stderr.write('\r\u001b[K');
    this.#drawn = false;
  }
}

const WIDTH = 24;

function bar(fraction: number): string {
  const filled = Math.round(fraction * WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
}

/** The line cut to the terminal's width, so a redraw never wraps, then its bar coloured (unless NO_COLOR). */
function fitToTerminal(line: string): string {
  const columns = process.stderr.columns ?? 80;
  const cut = line.length >= columns ? line.slice(0, Math.max(0, columns - 1)) : line;
  if (process.env.NO_COLOR !== undefined || process.env.FORCE_COLOR === '0') return cut;
  return cut.replace(/\[(#*)(\.*)\]/, (_, done: string, rest: string) => `[\u001b[36m${done}\u001b[2m${rest}\u001b[0m]`);
}
