import type {StageOutcome} from '../services/pipeline/input-stages.js';
import {stageLabel} from '../services/pipeline/input-stages.js';
import {formatCount, formatSeconds} from './format.js';

/** `[3/5] train     ran     01J…  2m05s  300 steps, final loss 3.2141`: one stage of a job, for people. */
export function stageLine(outcome: StageOutcome): string {
  const label = stageLabel(outcome.stage, outcome.index, outcome.total);
  const state = outcome.cached ? 'cached' : 'ran';
  return `${label.padEnd(15)} ${state.padEnd(6)} ${(outcome.runId ?? '').padEnd(26)} ${formatSeconds(outcome.seconds).padStart(6)}  ${describe(outcome)}`;
}

function describe({stage, metrics}: StageOutcome): string {
  const number = (key: string, digits: number) => (metrics[key] === undefined ? 'n/a' : (metrics[key] as number).toFixed(digits));
  switch (stage) {
    case 'data': {
      const splits = Object.entries(metrics)
        .filter(([key]) => key !== 'items')
        .map(([name, count]) => `${name} ${formatCount(count)}`);
      return `${formatCount(metrics['items'] ?? 0)} items (${splits.join(', ')})`;
    }
    case 'tokenizer':
      return `${formatCount(metrics['vocabSize'] ?? 0)} tokens`;
    case 'train':
      return `${formatCount(metrics['steps'] ?? 0)} steps, final loss ${number('finalLoss', 4)}`;
    case 'evaluate':
      return `loss ${number('loss', 4)}, perplexity ${number('perplexity', 2)} over ${formatCount(metrics['tokens'] ?? 0)} tokens`;
    default:
      return 'HTML report written';
  }
}
