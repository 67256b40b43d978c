/**
 * A one-line progress bar on stderr, redrawn at most every 100 ms. Silent unless enabled (a TTY and no
 * --json), so scripts and logs never see control characters.
 */
export class ProgressBar {
  #lastDraw = 0;
  #drawn = false;
  readonly #started = Date.now();

  constructor(
    private readonly label: string,
    private readonly enabled: boolean,
    private readonly unit: 'bytes' | 'items' = 'items',
  ) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.#lastDraw < 100 && done < total) return;
    this.#lastDraw = now;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && total > done ? ` eta ${Math.ceil((total - done) / rate)}s` : '';
    const amount = this.unit === 'bytes' ? `${formatBytes(done)}/${formatBytes(total)} ${formatBytes(rate)}/s` : `${done}/${total}`;
    process.stderr.write(
      `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% ${amount}${eta}\u001b[K`,
    );
    this.#drawn = true;
  }

  stop(): void {
    if (this.#drawn) process.stderr.write('\r\u001b[K');
    this.#drawn = false;
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
