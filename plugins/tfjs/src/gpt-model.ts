import {CodexError, ExitCode, SeededRandom, mixSeed} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {type GptConfig, validateGptConfig} from './gpt-config.js';
import {causalSelfAttention} from './ops/causal-attention.js';
import {embeddingLookup} from './ops/embedding-lookup.js';
import {gelu} from './ops/gelu.js';
import {layerNorm} from './ops/layer-norm.js';
import {linear, matMulNN, matMulNT} from './ops/matmul-nn.js';
import {sparseCrossEntropy} from './ops/sparse-cross-entropy.js';

/** How a forward pass runs. */
export interface ForwardOptions {
  /** Dropout is applied only when true (and the model's rate is > 0). */
  readonly training?: boolean;
  /**
   * Seed of this pass's dropout masks. Derive it from the step (see `trainStep`) so a resumed run draws the
   * same masks without saving any RNG state.
   */
  readonly dropoutSeed?: number;
}

interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: 'normal' | 'zeros' | 'ones';
  readonly std?: number;
}

const INIT_STD = 0.02;
let modelCounter = 0;

/**
 * GPT-style decoder-only transformer on TensorFlow.js ops: token + learned position embeddings, pre-norm
 * blocks of causal multi-head self-attention and a GELU MLP, a final layer norm and (optionally tied) output
 * projection. Dropout (when > 0 and training) applies to the embeddings and to each residual branch.
 *
 * Parameters are `tf.Variable`s keyed by stable names (`wte`, `wpe`, `h.0.attn.wqkv`, …; sorted), which is
 * what checkpoints and optimizer state key on. Init is seeded per parameter name and independent of the
 * backend, so the same seed gives bitwise the same initial weights on wasm and cpu.
 *
 * Performance: q, k and v come from one matmul; every matmul and its gradients are non-transposed products
 * (`linear`, `matMulNN`, `matMulNT`); attention, layer norm, GELU, the loss and the embedding lookup are
 * fused ops with hand-written gradients (see `ops/`), tuned for the wasm backend.
 */
export class GptModel {
  readonly config: GptConfig;
  readonly params: ReadonlyMap<string, tf.Variable>;

  private constructor(config: GptConfig, params: Map<string, tf.Variable>) {
    this.config = config;
    this.params = params;
  }

  /** Builds and initialises a model on the current backend (call `loadTfBackend` first). */
  static create(config: GptConfig): GptModel {
    validateGptConfig(config);
    const prefix = `gpt${++modelCounter}`;
    const params = new Map<string, tf.Variable>();
    for (const spec of parameterSpecs(config).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      params.set(spec.name, initialVariable(spec, config.seed, prefix));
    }
    return new GptModel(config, params);
  }

  /**
   * `create`, pausing for the event loop between parameters: initialising a large model takes seconds of
   * synchronous work, and a process must still answer Ctrl-C or SIGTERM meanwhile. Same weights as `create`.
   */
  static async createResponsive(config: GptConfig): Promise<GptModel> {
    validateGptConfig(config);
    const prefix = `gpt${++modelCounter}`;
    const params = new Map<string, tf.Variable>();
    for (const spec of parameterSpecs(config).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      await new Promise((resolve) => setImmediate(resolve));
      params.set(spec.name, initialVariable(spec, config.seed, prefix));
    }
    return new GptModel(config, params);
  }

  /** Number of trainable scalars. */
  get parameterCount(): number {
    let total = 0;
    for (const variable of this.params.values()) total += variable.size;
    return total;
  }

  /**
   * Matmul FLOPs of one training step (forward + backward) per token at full context: 6 per weight used in
   * a matmul plus the attention score and mix products. Embedding lookups and elementwise work excluded.
   */
  get trainFlopsPerToken(): number {
    const {layers, dModel, contextLength, vocabSize} = this.config;
    const matmulWeights = layers * 12 * dModel * dModel + vocabSize * dModel;
    const attention = layers * 2 * contextLength * dModel;
    return 6 * matmulWeights + 6 * attention;
  }

  /** Logits [batch, time, vocab] for token ids `contexts` [batch, time] (int32, time ≤ contextLength). */
  forward(contexts: tf.Tensor2D, options: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, time] = contexts.shape;
      const hidden = this.#hidden(contexts, options);
      const logits = this.#project(hidden);
      return tf.reshape(logits, [batch, time, this.config.vocabSize]) as tf.Tensor3D;
    });
  }

  /** Mean next-token cross-entropy of `targets` [batch, time] given `contexts` [batch, time]. */
  loss(contexts: tf.Tensor2D, targets: tf.Tensor2D, options: ForwardOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const [batch, time] = targets.shape;
      const logits = this.#project(this.#hidden(contexts, options));
      return sparseCrossEntropy(logits, tf.reshape(targets, [batch * time]) as tf.Tensor1D);
    });
  }

  /** Copies of every weight, by parameter name (sorted). */
  getWeights(): Map<string, Float32Array> {
    const weights = new Map<string, Float32Array>();
    for (const [name, variable] of this.params) weights.set(name, Float32Array.from(variable.dataSync() as Float32Array));
    return weights;
  }

  /** Replaces every weight; names and sizes must match this model exactly. */
  setWeights(weights: ReadonlyMap<string, Float32Array>): void {
    for (const name of weights.keys()) {
      if (!this.params.has(name)) {
        throw new CodexError('E_WEIGHTS', `weights hold unknown parameter "${name}"`, {
          hint: 'the checkpoint was written by a model with another training.tfjs / training.model config',
          exitCode: ExitCode.integrity,
        });
      }
    }
    for (const [name, variable] of this.params) {
      const values = weights.get(name);
      if (!values || values.length !== variable.size) {
        throw new CodexError(
          'E_WEIGHTS',
          `weights for "${name}" ${values ? `have ${values.length} values, expected ${variable.size}` : 'are missing'}`,
          {hint: 'the checkpoint was written by a model with another training.tfjs / training.model config', exitCode: ExitCode.integrity},
        );
      }
    }
    for (const [name, variable] of this.params) {
      tf.tidy(() => variable.assign(tf.tensor(weights.get(name) as Float32Array, variable.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
  }

  #param(name: string): tf.Variable {
    return this.params.get(name) as tf.Variable;
  }

  /** Final hidden states [batch·time, dModel]. */
  #hidden(contexts: tf.Tensor2D, options: ForwardOptions): tf.Tensor2D {
    const {dModel, layers, contextLength} = this.config;
    const [batch, time] = contexts.shape;
    if (time > contextLength) {
      throw new CodexError('E_MODEL_INPUT', `context of ${time} tokens exceeds training.model.contextLength ${contextLength}`, {
        hint: 'sample contexts no longer than the model was built for',
        exitCode: ExitCode.input,
      });
    }
    if (contexts.dtype !== 'int32') throw new CodexError('E_MODEL_INPUT', `token ids must be int32, got ${contexts.dtype}`);
    const dropout = this.#dropout(options);
    const tokens = embeddingLookup(this.#param('wte') as tf.Tensor2D, tf.reshape(contexts, [batch * time]) as tf.Tensor1D);
    const positions = tf.slice(this.#param('wpe'), [0, 0], [time, dModel]);
    let x = tf.reshape(tf.add(tf.reshape(tokens, [batch, time, dModel]), positions), [batch * time, dModel]) as tf.Tensor2D;
    x = dropout(x, 0);
    for (let layer = 0; layer < layers; layer++) {
      x = tf.add(
        x,
        this.#attention(layer, layerNorm(x, this.#param(`h.${layer}.ln1.gamma`), this.#param(`h.${layer}.ln1.beta`)), batch, time, dropout),
      );
      x = tf.add(x, this.#mlp(layer, layerNorm(x, this.#param(`h.${layer}.ln2.gamma`), this.#param(`h.${layer}.ln2.beta`)), dropout));
    }
    return layerNorm(x, this.#param('lnf.gamma'), this.#param('lnf.beta'));
  }

  #project(hidden: tf.Tensor2D): tf.Tensor2D {
    if (!this.config.tiedEmbeddings) return matMulNN(hidden, this.#param('lm_head') as tf.Tensor2D);
    return matMulNT(hidden, this.#param('wte') as tf.Tensor2D);
  }

  #attention(layer: number, x: tf.Tensor2D, batch: number, time: number, dropout: DropoutFn): tf.Tensor2D {
    const p = `h.${layer}.attn`;
    const qkv = this.#linear(x, `${p}.wqkv`, `${p}.bqkv`);
    const mixed = causalSelfAttention(qkv, {batch, time, heads: this.config.heads});
    return dropout(this.#linear(mixed, `${p}.wo`, `${p}.bo`), 1 + layer * 2);
  }

  #mlp(layer: number, x: tf.Tensor2D, dropout: DropoutFn): tf.Tensor2D {
    const p = `h.${layer}.mlp`;
    const up = gelu(this.#linear(x, `${p}.wfc`, `${p}.bfc`)) as tf.Tensor2D;
    return dropout(this.#linear(up, `${p}.wproj`, `${p}.bproj`), 2 + layer * 2);
  }

  #linear(x: tf.Tensor2D, weight: string, bias: string): tf.Tensor2D {
    return linear(x, this.#param(weight) as tf.Tensor2D, this.#param(bias) as tf.Tensor1D);
  }

  #dropout(options: ForwardOptions): DropoutFn {
    const rate = this.config.dropout;
    if (!options.training || rate === 0) return (x) => x;
    const base = mixSeed(this.config.seed, options.dropoutSeed ?? 0);
    return <T extends tf.Tensor>(x: T, site: number) => tf.dropout(x, rate, undefined, mixSeed(base, site)) as T;
  }
}

type DropoutFn = <T extends tf.Tensor>(x: T, site: number) => T;

function parameterSpecs(config: GptConfig): ParameterSpec[] {
  const {vocabSize, contextLength, dModel, layers, tiedEmbeddings} = config;
  // GPT-2: residual projections scaled by 1/√(2·layers) so the residual stream's variance stays put.
  const residualStd = INIT_STD / Math.sqrt(2 * layers);
  const specs: ParameterSpec[] = [
    {name: 'wte', shape: [vocabSize, dModel], init: 'normal'},
    {name: 'wpe', shape: [contextLength, dModel], init: 'normal'},
    {name: 'lnf.gamma', shape: [dModel], init: 'ones'},
    {name: 'lnf.beta', shape: [dModel], init: 'zeros'},
  ];
  if (!tiedEmbeddings) specs.push({name: 'lm_head', shape: [dModel, vocabSize], init: 'normal'});
  for (let layer = 0; layer < layers; layer++) {
    const p = `h.${layer}`;
    specs.push(
      {name: `${p}.ln1.gamma`, shape: [dModel], init: 'ones'},
      {name: `${p}.ln1.beta`, shape: [dModel], init: 'zeros'},
      {name: `${p}.attn.wqkv`, shape: [dModel, 3 * dModel], init: 'normal'},
      {name: `${p}.attn.bqkv`, shape: [3 * dModel], init: 'zeros'},
      {name: `${p}.attn.wo`, shape: [dModel, dModel], init: 'normal', std: residualStd},
      {name: `${p}.attn.bo`, shape: [dModel], init: 'zeros'},
      {name: `${p}.ln2.gamma`, shape: [dModel], init: 'ones'},
      {name: `${p}.ln2.beta`, shape: [dModel], init: 'zeros'},
      {name: `${p}.mlp.wfc`, shape: [dModel, 4 * dModel], init: 'normal'},
      {name: `${p}.mlp.bfc`, shape: [4 * dModel], init: 'zeros'},
      {name: `${p}.mlp.wproj`, shape: [4 * dModel, dModel], init: 'normal', std: residualStd},
      {name: `${p}.mlp.bproj`, shape: [dModel], init: 'zeros'},
    );
  }
  return specs;
}

/** One parameter with its initial values (seeded by the model seed and the parameter's name). */
function initialVariable(spec: ParameterSpec, seed: number, prefix: string): tf.Variable {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const values =
    spec.init === 'normal'
      ? new SeededRandom(seed, spec.name).normalArray(size, spec.std ?? INIT_STD)
      : new Float32Array(size).fill(spec.init === 'ones' ? 1 : 0);
  return tf.variable(tf.tensor(values, [...spec.shape], 'float32'), true, `${prefix}/${spec.name}`);
}
