import {Interrupts} from './interrupts.js';

/**
 * What an interrupted `codex train` says: where the run can continue from. Stopping at any instant is safe —
 * checkpoints are published atomically — so there is nothing to flush; the line only saves the user from
 * guessing. The signal handling itself is the one every command shares (`Interrupts`).
 */
export class InterruptionNotice {
  #run: {readonly runId: string; readonly runDir: string; readonly step: number | null} | undefined;
  readonly #unregister: () => void;

  constructor(json: () => boolean, beforeExit: () => void = () => undefined) {
    const interrupts = Interrupts.install(json);
    this.#unregister = interrupts.onInterrupt(beforeExit);
    interrupts.describe(() => {
      const run = this.#run;
      return run === undefined
        ? 'before the run started'
        : run.step === null
          ? `run ${run.runId} had no checkpoint yet; codex train --resume ${run.runDir} restarts it from step 0`
          : `run ${run.runId} can continue from step ${run.step}: codex train --resume ${run.runDir}`;
    });
  }

  update(run: {readonly runId: string; readonly runDir: string; readonly step: number | null}): void {
    this.#run = run;
  }

  dispose(): void {
    this.#unregister();
  }
}
