import type {ProgressSink} from '@codex-ml/core';
import {ProgressBar} from './progress-bar.js';

interface StageState {
  total: number;
  done: number;
  bar: ProgressBar;
}

/**
 * A `ProgressSink` drawn as one progress bar per stage on stderr; only the stage started last is drawn, so
 * interleaved stages (reading while counting) never fight over the line. Silent when disabled.
 */
export class ProgressBarSink implements ProgressSink {
  readonly #stages = new Map<string, StageState>();
  #current: string | undefined;

  constructor(
    private readonly enabled: boolean,
    private readonly units: Readonly<Record<string, 'bytes' | 'items'>> = {},
  ) {}

  start(stage: string, total: number): void {
    const existing = this.#stages.get(stage);
    if (existing) {
      existing.total = total;
      return;
    }
    if (this.#current !== undefined) this.#stages.get(this.#current)?.bar.stop();
    this.#stages.set(stage, {total, done: 0, bar: new ProgressBar(stage, this.enabled, this.units[stage] ?? 'items')});
    this.#current = stage;
  }

  advance(stage: string, by: number): void {
    const state = this.#stages.get(stage);
    if (!state) return;
    state.done += by;
    if (stage === this.#current) state.bar.update(state.done, Math.max(state.total, state.done));
  }

  finish(stage: string): void {
    this.#stages.get(stage)?.bar.stop();
    this.#stages.delete(stage);
    if (this.#current === stage) this.#current = undefined;
  }
}
