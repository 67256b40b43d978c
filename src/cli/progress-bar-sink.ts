import type {ProgressSink} from '@codex-ml/core';
import {ProgressBar} from './progress-bar.js';

interface StageState {
  total: number;
  done: number;
  bar: ProgressBar;
}

/**
 * A `ProgressSink` drawn as one progress bar per stage on stderr; only the stage of known size started last is
 * drawn, so interleaved stages (reading bytes while counting texts) never fight over the line. Silent when
 * disabled.
 */
export class ProgressBarSink implements ProgressSink {
  readonly #stages = new Map<string, StageState>();
  #current: string | undefined;

  constructor(
    private readonly enabled: boolean,
    private readonly units: Readonly<Record<string, 'bytes' | 'items'>> = {},
  ) {}

  start(stage: string, total: number): void {
    let state = this.#stages.get(stage);
    if (state) state.total = total;
    else {
      state = {total, done: 0, bar: new ProgressBar(stage, this.enabled, this.units[stage] ?? 'items')};
      this.#stages.set(stage, state);
    }
    // A stage of unknown size (total 0) only counts; it never takes the line from one that can show a fraction.
    if (total > 0 && this.#current !== stage) {
      if (this.#current !== undefined) this.#stages.get(this.#current)?.bar.stop();
      this.#current = stage;
    }
  }

  advance(stage: string, by: number): void {
    const state = this.#stages.get(stage);
    if (!state) return;
    state.done += by;
    if (stage === this.#current) state.bar.update(state.done, state.total);
  }

  finish(stage: string): void {
    this.#stages.get(stage)?.bar.stop();
    this.#stages.delete(stage);
    if (this.#current !== stage) return;
    this.#current = [...this.#stages.entries()].reverse().find(([, state]) => state.total > 0)?.[0];
  }
}
