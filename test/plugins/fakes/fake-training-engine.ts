import {
  CodexError,
  type EngineDescription,
  type EngineModel,
  type ModelSpec,
  type NamedTensor,
  type Optimizer,
  type OptimizerState,
  type StepOutcome,
  type TokenBatch,
  type TrainableModel,
  type TrainingEngine,
  type TrainingSetup,
  servedEngine,
  type OptimizerFactory,
} from '@codex-ml/core';

/** Ways a fake engine breaks its contract, one per flag. */
export interface EngineFlaws {
  /** Sums micro-batch gradients instead of averaging them. */
  readonly sumsMicroBatches?: boolean;
  /** getWeights returns the live buffer. */
  readonly leaksWeights?: boolean;
  /** Initial weights ignore the seed (a process-wide counter picks them). */
  readonly unseeded?: boolean;
  /** Accepts optimizers of any engine. */
  readonly acceptsForeignOptimizers?: boolean;
  /** evaluate nudges the weights, as a careless running statistic would. */
  readonly evaluateMutates?: boolean;
}

let initCounter = 0;

/**
 * A unigram language model in plain TypeScript (logits = one bias vector, whatever the context), trained by
 * the `fake` engine's optimizers (`FakeMomentumSgd`). Correct without flaws; each flaw breaks one invariant.
 */
export class FakeUnigramEngine implements TrainingEngine {
  readonly name = 'fake';
  readonly description: EngineDescription = {engine: 'fake', backend: 'typescript', versions: {}};

  constructor(private readonly flaws: EngineFlaws = {}) {}

  async createModel(spec: ModelSpec): Promise<EngineModel> {
    return new FakeUnigramModel(this.#init(spec), this.flaws);
  }

  async createTrainableModel(spec: ModelSpec, setup: TrainingSetup): Promise<TrainableModel> {
    const factory = setup.optimizer;
    if (!this.flaws.acceptsForeignOptimizers) assertServesFake(factory);
    return new FakeUnigramTrainer(this.#init(spec), this.flaws, factory.create(setup.optimizerOptions), setup.clipNorm);
  }

  #init(spec: ModelSpec): Float32Array {
    let state = this.flaws.unseeded ? ++initCounter : spec.seed;
    return Float32Array.from({length: spec.vocabSize}, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state / 0x100000000 - 0.5) * 0.1;
    });
  }
}

function assertServesFake(factory: OptimizerFactory): asserts factory is OptimizerFactory<Float32Array> {
  if (servedEngine(factory) !== 'fake') throw new CodexError('E_OPTIMIZER_ENGINE', `optimizer "${factory.type}" does not serve fake`);
}

class FakeUnigramModel implements EngineModel {
  constructor(
    protected readonly bias: Float32Array,
    protected readonly flaws: EngineFlaws,
  ) {}

  get parameterCount(): number {
    return this.bias.length;
  }

  async evaluate(batch: TokenBatch): Promise<number> {
    if (this.flaws.evaluateMutates) this.bias[0] = (this.bias[0] as number) + 1e-3;
    return this.lossAndGradient(batch).loss;
  }

  async getWeights(): Promise<NamedTensor[]> {
    return [{name: 'bias', shape: [this.bias.length], data: this.flaws.leaksWeights ? this.bias : Float32Array.from(this.bias)}];
  }

  async setWeights(weights: readonly NamedTensor[]): Promise<void> {
    const bias = weights.find((tensor) => tensor.name === 'bias');
    if (!bias || bias.data.length !== this.bias.length || weights.length !== 1) {
      throw new CodexError('E_WEIGHTS', 'weights for "bias" are missing or of another size');
    }
    this.bias.set(bias.data);
  }

  dispose(): void {}

  protected lossAndGradient(batch: TokenBatch): {loss: number; gradient: Float64Array} {
    const max = Math.max(...this.bias);
    const sum = this.bias.reduce((total, logit) => total + Math.exp(logit - max), 0);
    const lse = max + Math.log(sum);
    const count = batch.batchSize * batch.length;
    const gradient = new Float64Array(this.bias.length);
    let loss = 0;
    for (const target of batch.targets) {
      loss += lse - (this.bias[target] as number);
      gradient[target] = (gradient[target] as number) - 1 / count;
    }
    this.bias.forEach((logit, i) => {
      gradient[i] = (gradient[i] as number) + Math.exp(logit - lse);
    });
    return {loss: loss / count, gradient};
  }
}

class FakeUnigramTrainer extends FakeUnigramModel implements TrainableModel {
  constructor(
    bias: Float32Array,
    flaws: EngineFlaws,
    private readonly optimizer: Optimizer<Float32Array>,
    private readonly clipNorm: number,
  ) {
    super(bias, flaws);
  }

  async trainStep(microBatches: readonly TokenBatch[], _step: number, lr: number): Promise<StepOutcome> {
    const total = new Float64Array(this.bias.length);
    let loss = 0;
    for (const batch of microBatches) {
      const part = this.lossAndGradient(batch);
      loss += part.loss;
      part.gradient.forEach((value, i) => {
        total[i] = (total[i] as number) + value;
      });
    }
    const divisor = this.flaws.sumsMicroBatches ? 1 : microBatches.length;
    const gradient = Float32Array.from(total, (value) => value / divisor);
    const gradNorm = Math.sqrt(gradient.reduce((sum, value) => sum + value * value, 0));
    if (this.clipNorm > 0 && gradNorm > this.clipNorm) {
      for (let i = 0; i < gradient.length; i++) gradient[i] = ((gradient[i] as number) * this.clipNorm) / gradNorm;
    }
    this.optimizer.applyGradients(new Map([['bias', this.bias]]), new Map([['bias', gradient]]), lr);
    return {loss: loss / divisor, gradNorm};
  }

  async nonFiniteTensors(): Promise<string[]> {
    return this.bias.every(Number.isFinite) ? [] : ['weight bias'];
  }

  async getOptimizerState(): Promise<OptimizerState> {
    return this.optimizer.getState();
  }

  async setOptimizerState(state: OptimizerState): Promise<void> {
    this.optimizer.setState(state);
  }
}
