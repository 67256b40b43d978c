import {writeSync} from 'node:fs';
import {ExitCode} from '@codex-ml/core';
import {escapeControls} from './terminal-text.js';

/** What an interrupted command says, beyond "interrupted": where to pick up, what was kept. */
export type InterruptDetail = () => string | undefined;

/**
 * Ctrl-C (SIGINT) and SIGTERM end every command promptly and the same way: registered clean-ups run (stop
 * progress bars, stop child processes), one line goes to stderr — or, under `--json`, one JSON error object to
 * stdout, as `--json` promises — and the process exits 130. Exiting runs the exit hooks that release run locks
 * and leases. Stopping at any instant is safe: every artifact is published atomically. A second signal while
 * cleaning up exits at once.
 *
 * A command started by another codex process (a pipeline stage) is also stopped this way when that parent
 * dies, even by SIGKILL: it watches its parent pid, so no orphan keeps training, holding a lock.
 */
export class Interrupts {
  static #installed: Interrupts | undefined;
  readonly #cleanups = new Set<() => void | Promise<void>>();
  #detail: InterruptDetail = () => undefined;
  static #stopping = false;

  private constructor(private readonly json: () => boolean) {
    const handler = (signal: NodeJS.Signals) => void this.#stop(signal);
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    const parent = Number(process.env.CODEX_PARENT_PID);
    if (Number.isInteger(parent) && parent > 1 && parent === process.ppid) {
      // Reparented (to init or a subreaper) means the parent is gone, however it died.
      setInterval(() => {
        if (process.ppid !== parent) void this.#stop('SIGTERM', 'its parent process exited');
      }, 200).unref();
    }
  }

  /** True once a signal is being handled: the command's own result or error is no longer printed. */
  static get stopping(): boolean {
    return Interrupts.#stopping;
  }

  /** Installs the handlers once per process; `json` tells whether the command prints JSON. */
  static install(json: () => boolean): Interrupts {
    Interrupts.#installed ??= new Interrupts(json);
    return Interrupts.#installed;
  }

  /** Runs `cleanup` before exiting on a signal; returns a function that unregisters it. */
  onInterrupt(cleanup: () => void | Promise<void>): () => void {
    this.#cleanups.add(cleanup);
    return () => this.#cleanups.delete(cleanup);
  }

  /** Sets what the interruption line adds, e.g. where a run can continue from. */
  describe(detail: InterruptDetail): void {
    this.#detail = detail;
  }

  async #stop(signal: NodeJS.Signals, why?: string): Promise<void> {
    if (Interrupts.#stopping) process.exit(ExitCode.interrupted);
    Interrupts.#stopping = true;
    // Clean-ups get a bounded time: a signal must end the command within a second or so.
    const cleanups = [...this.#cleanups].map((cleanup) =>
      Promise.resolve()
        .then(cleanup)
        .catch(() => undefined),
    );
    await Promise.race([Promise.all(cleanups), new Promise((done) => setTimeout(done, 2000).unref())]);
    const detail = this.#detail();
    const message = `interrupted (${signal}${why ? `: ${why}` : ''})${detail ? `: ${detail}` : ''}`;
    const hint = 'nothing partial was kept; run the command again (or resume where it says)';
    try {
      if (this.json()) {
        const error = {code: 'E_INTERRUPTED', message, hint, exitCode: ExitCode.interrupted};
        writeSync(1, `${JSON.stringify({error}, null, 2)}\n`);
      } else {
        writeSync(2, `${escapeControls(message)}\n`);
      }
    } catch {
      // Nobody is reading any more (a parent that died took the pipe with it): exit all the same.
    }
    process.exit(ExitCode.interrupted);
  }
}
