import {CodexError, type EngineModel, ExitCode, type NamedTensor, type TokenBatch} from '@codex-ml/core';

/** The one weight: row `c` holds the logits of the token that follows token `c`. */
export const TRANSITIONS = 'transitions';

/**
 * A bigram language model: the next token's distribution is softmax(transitions[previous token]), whatever came
 * before. Small enough to follow by hand, yet a real model: it trains, scores and checkpoints like any other.
 */
export class BigramModel implements EngineModel {
  constructor(
    readonly vocabSize: number,
    /** Row-major [vocabSize, vocabSize]; updated in place by the optimizer. */
    protected readonly transitions: Float32Array,
  ) {}

  get parameterCount(): number {
    return this.transitions.length;
  }

  async evaluate(batch: TokenBatch): Promise<number> {
    return this.lossAndGradient(batch).loss;
  }

  async getWeights(): Promise<NamedTensor[]> {
    return [{name: TRANSITIONS, shape: [this.vocabSize, this.vocabSize], data: Float32Array.from(this.transitions)}];
  }

  /** All or nothing: the weights are checked before the table is overwritten. */
  async setWeights(weights: readonly NamedTensor[]): Promise<void> {
    const unknown = weights.find((tensor) => tensor.name !== TRANSITIONS);
    if (unknown) throw weightsError(`weights hold unknown tensor "${unknown.name}"`);
    const table = weights.find((tensor) => tensor.name === TRANSITIONS);
    if (!table) throw weightsError(`weights for "${TRANSITIONS}" are missing`);
    const [rows, columns] = table.shape;
    if (
      table.shape.length !== 2 ||
      rows !== this.vocabSize ||
      columns !== this.vocabSize ||
      table.data.length !== this.transitions.length
    ) {
      throw weightsError(
        `weights for "${TRANSITIONS}" have shape [${table.shape}] and ${table.data.length} values, expected [${this.vocabSize},${this.vocabSize}]`,
      );
    }
    this.transitions.set(table.data);
  }

  dispose(): void {}

  /**
   * Mean cross-entropy of a batch and, when `gradient` is given, adds to it the loss's gradient times `scale`.
   * Positions are grouped by their context token, so each row's softmax is computed once per batch.
   */
  protected lossAndGradient(batch: TokenBatch, gradient?: Float64Array, scale = 1): {loss: number} {
    const v = this.vocabSize;
    const positions = batch.batchSize * batch.length;
    const rows = new Map<number, number>();
    let logitSum = 0;
    for (let i = 0; i < positions; i++) {
      const context = batch.contexts[i] as number;
      const target = batch.targets[i] as number;
      if (!(context >= 0 && context < v && target >= 0 && target < v)) {
        throw new CodexError(
          'E_MODEL_INPUT',
          `token id ${context < 0 || context >= v ? context : target} is outside the vocabulary of ${v}`,
          {
            exitCode: ExitCode.input,
          },
        );
      }
      rows.set(context, (rows.get(context) ?? 0) + 1);
      logitSum += this.transitions[context * v + target] as number;
      if (gradient) gradient[context * v + target] = (gradient[context * v + target] as number) - scale / positions;
    }
    let lseSum = 0;
    // Map order is first appearance in the batch: a fixed order, so every sum rounds the same way.
    for (const [context, count] of rows) {
      const offset = context * v;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < v; j++) max = Math.max(max, this.transitions[offset + j] as number);
      let sum = 0;
      for (let j = 0; j < v; j++) sum += Math.exp((this.transitions[offset + j] as number) - max);
      const lse = max + Math.log(sum);
      lseSum += count * lse;
      if (gradient) {
        const weight = (scale * count) / positions;
        for (let j = 0; j < v; j++) {
          gradient[offset + j] = (gradient[offset + j] as number) + weight * Math.exp((this.transitions[offset + j] as number) - lse);
        }
      }
    }
    return {loss: (lseSum - logitSum) / positions};
  }
}

function weightsError(message: string): CodexError {
  return new CodexError('E_WEIGHTS', message, {
    hint: 'the checkpoint was written for another vocabulary or by another engine',
    exitCode: ExitCode.integrity,
  });
}
