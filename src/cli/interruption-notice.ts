import {ExitCode} from '@codex-ml/core';

/**
 * On Ctrl-C (SIGINT) or SIGTERM during `codex train`, says where the run can continue from and exits with
 * the interrupted code. Stopping at any instant is safe — checkpoints are published atomically — so there is
 * nothing to flush; the line only saves the user from guessing.
 */
export class InterruptionNotice {
  #run: {readonly runId: string; readonly runDir: string; readonly step: number | null} | undefined;
  readonly #handler = (signal: NodeJS.Signals) => {
    this.beforeExit();
    const run = this.#run;
    const where =
      run === undefined
        ? 'before the run started'
        : run.step === null
          ? `run ${run.runId} had no checkpoint yet; codex train --resume ${run.runDir} restarts it from step 0`
          : `run ${run.runId} can continue from step ${run.step}: codex train --resume ${run.runDir}`;
    process.stderr.write(`interrupted (${signal}): ${where}\n`);
    process.exit(ExitCode.interrupted);
  };

  constructor(private readonly beforeExit: () => void = () => undefined) {
    process.once('SIGINT', this.#handler);
    process.once('SIGTERM', this.#handler);
  }

  update(run: {readonly runId: string; readonly runDir: string; readonly step: number | null}): void {
    this.#run = run;
  }

  dispose(): void {
    process.off('SIGINT', this.#handler);
    process.off('SIGTERM', this.#handler);
  }
}
