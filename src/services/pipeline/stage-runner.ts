/**
 * Runs one codex command as a pipeline stage and returns its `--json` result. Stages talk through the same
 * scriptable interface users have, so the pipeline cannot drift from what the commands do on their own.
 */
export interface StageRunner {
  /** `label` names the stage in the progress the command draws (`[3/5] train`). */
  run<T>(command: string, args: readonly string[], options?: {readonly label?: string}): Promise<T>;
}
