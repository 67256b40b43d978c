import type {PrepareDataResult} from '../data/prepare-data-service.js';
import type {TrainTokenizerResult} from '../tokenization/tokenizer-training-service.js';
import type {StageRunner} from './stage-runner.js';

export type PipelineStage = 'data' | 'tokenizer' | 'train' | 'evaluate' | 'report';

/** What one pipeline stage did, in numbers (the human line is made from them). */
export interface StageOutcome {
  readonly stage: PipelineStage;
  /** Position of the stage in the job, from 1, and how many stages the job runs: `[index/total]`. */
  readonly index: number;
  readonly total: number;
  /** Run the stage produced or reused, and its directory; null for the report, which is a file. */
  readonly runId: string | null;
  readonly runDir: string | null;
  /** True when the stage's output was reused because its inputs did not change. */
  readonly cached: boolean;
  readonly seconds: number;
  /**
   * The stage's figures: data `items` and items per split; tokenizer `vocabSize`; train `steps`, `finalLoss`;
   * evaluate `loss`, `perplexity`, `tokens`. A figure the stage could not produce (a loss before any step) is absent.
   */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Runs a stage and reports its outcome; the pipeline and `codex train` number the stages differently. `execute`
 * gets the stage's `[n/total] name` label, for the progress its command draws.
 */
export type StageClock = <T>(
  stage: PipelineStage,
  execute: (label: string) => Promise<T>,
  describe: (output: T) => {
    readonly runId: string | null;
    readonly runDir: string | null;
    readonly cached: boolean;
    readonly metrics: Record<string, number>;
  },
) => Promise<T>;

export interface InputStagesRequest {
  /** Arguments that give every stage the job's config files, and its `--set` overrides (as `--set k=v` pairs). */
  readonly common: readonly string[];
  /** Re-run every stage (each stage's own --force). */
  readonly force: boolean;
  /** A tokenizer already chosen: only the data stage runs. */
  readonly skipTokenizer?: boolean;
}

export interface InputRuns {
  readonly data: PrepareDataResult;
  readonly tokenizer: TrainTokenizerResult | undefined;
}

/**
 * The pipeline's first two stages, prepare-data then tokenizer:train on its train split, each reused through
 * its command's own cache when its inputs did not change: the inputs of `codex pipeline`, and of `codex train`
 * when no data run is given.
 */
export async function runInputStages(
  runner: StageRunner,
  clock: StageClock,
  request: InputStagesRequest,
  lease: (runId: string) => Promise<void> = async () => undefined,
): Promise<InputRuns> {
  const force = request.force ? ['--force'] : [];
  const data = await clock(
    'data',
    (label) => runner.run<PrepareDataResult>('prepare-data', [...request.common, ...force], {label}),
    (output) => ({
      runId: output.runId,
      runDir: output.runDir,
      cached: output.cached === true,
      metrics: {items: output.itemCount, ...output.counts},
    }),
  );
  await lease(data.runId);
  if (request.skipTokenizer) return {data, tokenizer: undefined};
  const tokenizer = await clock(
    'tokenizer',
    (label) => runner.run<TrainTokenizerResult>('tokenizer:train', [...request.common, '--input', data.runId, ...force], {label}),
    (output) => ({runId: output.runId, runDir: output.runDir, cached: output.cached, metrics: {vocabSize: output.vocabSize}}),
  );
  await lease(tokenizer.runId);
  return {data, tokenizer};
}

/** A clock that times each stage and hands its outcome, numbered `[n/total]`, to `onStage`. */
export function stageClock(total: number, onStage: (outcome: StageOutcome) => void = () => undefined): StageClock {
  let index = 0;
  return async (stage, execute, describe) => {
    index++;
    const position = index;
    const started = performance.now();
    const output = await execute(stageLabel(stage, position, total));
    onStage({stage, index: position, total, ...describe(output), seconds: (performance.now() - started) / 1000});
    return output;
  };
}

/** `[3/5] train`: how progress and stage lines name a stage. */
export function stageLabel(stage: PipelineStage, index: number, total: number): string {
  return `[${index}/${total}] ${stage}`;
}
