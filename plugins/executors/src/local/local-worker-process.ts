import type {JobHandler, JobRunnerModule, JobRunnerSpec, ShardJob} from '@codex-ml/core';
import {failureRecord} from '../failure-record.js';

/**
 * A local worker process: builds the job handler from the runner spec its parent sends, then runs one job at a
 * time as the parent hands them over. It exits when the parent disconnects, so no worker outlives its command.
 */
type Message =
  | {readonly type: 'init'; readonly runner: JobRunnerSpec}
  | {readonly type: 'job'; readonly index: number; readonly job: ShardJob};

let handler: Promise<JobHandler> | undefined;

/** Sends to the parent unless it is gone (it stopped the run: another shard failed); nothing is left to say. */
function reply(message: object): void {
  if (process.connected) process.send?.(message, undefined, {}, () => undefined);
}

process.on('disconnect', () => process.exit(0));
process.on('message', (message: Message) => {
  if (message.type === 'init') {
    handler = load(message.runner);
    handler.then(
      () => reply({type: 'ready'}),
      (error: unknown) => reply({type: 'init-failed', error: failureRecord(error)}),
    );
    return;
  }
  const {index, job} = message;
  (handler as Promise<JobHandler>)
    .then((run) => run(job))
    .then(
      (result) => reply({type: 'result', index, result}),
      (error: unknown) => reply({type: 'failed', index, error: failureRecord(error)}),
    );
});

async function load(runner: JobRunnerSpec): Promise<JobHandler> {
  const module = (await import(runner.module)) as Record<string, JobRunnerModule | undefined>;
  const factory = module[runner.export];
  if (typeof factory?.create !== 'function') throw new Error(`${runner.export} in ${runner.module} has no create()`);
  return await factory.create(runner.context ?? {});
}
