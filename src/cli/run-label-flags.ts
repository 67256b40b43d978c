import {Flags} from '@oclif/core';

/** `--name` and `--tag`, on every command that creates runs: shorthands for `run.name` and `run.tags`. */
export const runLabelFlags = {
  name: Flags.string({description: 'Name the run(s) this creates, recorded in the manifest (run.name)', helpGroup: 'RUN'}),
  tag: Flags.string({
    description: 'Tag the run(s) this creates, recorded in the manifest (run.tags; repeatable); runs:list --tag finds them',
    helpGroup: 'RUN',
    multiple: true,
    // Repeat the flag for more tags: a greedy list would swallow the run argument that follows it.
    multipleNonGreedy: true,
  }),
};

/** The `--set` overrides `--name` and `--tag` stand for. */
export function runLabelOverrides(flags: {readonly name?: string; readonly tag?: readonly string[]}): string[] {
  return [
    ...(flags.name === undefined ? [] : [`run.name=${flags.name}`]),
    ...(flags.tag === undefined ? [] : [`run.tags=${JSON.stringify(flags.tag)}`]),
  ];
}
