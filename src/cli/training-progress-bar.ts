import type {TrainingProgress} from '../services/training/training-runner.js';

/**
 * `codex train`'s one-line progress on stderr: step, loss, tokens/s and ETA, redrawn at most every 100 ms.
 * Silent unless enabled (a TTY and no --json), like `ProgressBar`.
 */
export class TrainingProgressBar {
  #lastDraw = 0;
  #drawn = false;

  constructor(private readonly enabled: boolean) {}

  update(progress: TrainingProgress): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.#lastDraw < 100 && progress.step < progress.totalSteps) return;
    this.#lastDraw = now;
    const width = 24;
    const fraction = progress.totalSteps > 0 ? Math.min(1, progress.step / progress.totalSteps) : 1;
    const filled = Math.round(fraction * width);
    process.stderr.write(
      `\rtraining [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] step ${progress.step}/${progress.totalSteps} ` +
        `loss ${progress.loss.toFixed(4)} ${Math.round(progress.tokensPerSecond)} tok/s eta ${formatDuration(progress.etaSeconds)}\u001b[K`,
    );
    this.#drawn = true;
  }

  stop(): void {
    if (this.#drawn) process.stderr.write('\r\u001b[K');
    this.#drawn = false;
  }
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  return minutes < 60
    ? `${minutes}m${String(whole % 60).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
