import {type ChildProcess, spawn} from 'node:child_process';
import {CodexError, type ExitCodeValue} from '@codex-ml/core';
import type {StageRunner} from '../services/pipeline/stage-runner.js';
import type {Interrupts} from './interrupts.js';

interface ErrorJson {
  readonly error?: {readonly code?: string; readonly message?: string; readonly hint?: string; readonly exitCode?: number};
}

/**
 * Runs a stage as a child `codex <command> … --json` process. Its stderr (warnings, progress) goes straight
 * to ours; its stdout is the stage's JSON result, or its JSON error, which is re-raised naming the stage.
 * Stages never outlive the pipeline: interrupted, it stops them and waits for them to release their locks;
 * killed outright, they notice (they watch `CODEX_PARENT_PID`) and stop themselves.
 */
export class CliStageRunner implements StageRunner {
  readonly #children = new Set<ChildProcess>();

  constructor(
    private readonly bin: string,
    private readonly showProgress: boolean,
    interrupts: Interrupts,
  ) {
    interrupts.onInterrupt(() => this.#stopAll());
  }

  run<T>(command: string, args: readonly string[], options: {readonly label?: string} = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const progress = this.showProgress ? {CODEX_PROGRESS: 'stderr', CODEX_PROGRESS_LABEL: options.label ?? command} : {};
      const env = {...process.env, CODEX_PARENT_PID: String(process.pid), ...progress};
      const child = spawn(process.execPath, [this.bin, command, ...args, '--json'], {stdio: ['ignore', 'pipe', 'inherit'], env});
      this.#children.add(child);
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        this.#children.delete(child);
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (code === 0 && parsed !== undefined) {
          resolve(parsed as T);
          return;
        }
        const error = (parsed as ErrorJson | undefined)?.error;
        const reason = error?.message ?? (signal ? `killed by ${signal}` : `exited with code ${code} and no JSON result`);
        reject(
          new CodexError(error?.code ?? 'E_STAGE', `stage ${command}: ${reason}`, {
            hint: error?.hint ?? `run codex ${command} on its own to see the details`,
            exitCode: (error?.exitCode ?? code ?? 1) as ExitCodeValue,
          }),
        );
      });
    });
  }

  /** SIGTERM to every running stage, then their exit (they stop within a second, releasing their locks). */
  async #stopAll(): Promise<void> {
    const running = [...this.#children];
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('close', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
