import type {TrainingProgress} from '../services/training/training-runner.js';
import {formatCount} from './format.js';
import {ProgressBar} from './progress-bar.js';

/** `codex train`'s progress line: the shared bar over steps, with the loss, tokens/s and the runner's ETA. */
export class TrainingProgressBar {
  readonly #bar: ProgressBar;

  constructor(enabled: boolean) {
    this.#bar = new ProgressBar('training', enabled, 'steps');
  }

  update(progress: TrainingProgress): void {
    this.#bar.update(
      progress.step,
      progress.totalSteps,
      `loss ${progress.loss.toFixed(4)}  ${formatCount(Math.round(progress.tokensPerSecond))} tok/s`,
      progress.etaSeconds,
    );
  }

  stop(): void {
    this.#bar.stop();
  }
}
