import {CodexError, ExitCode} from '@codex-ml/core';
import type {GptConfig} from '../gpt-config.js';

/** The shape of a trained model: what inference and export need from `GptConfig` (no seed, no dropout). */
export type GptShape = Pick<GptConfig, 'vocabSize' | 'contextLength' | 'layers' | 'heads' | 'dModel' | 'tiedEmbeddings'>;

/** One block's parameters, row-major, matrices laid out [in, out] as `GptModel` keeps them (y = x·W + b). */
export interface GptBlockWeights {
  readonly ln1Gamma: Float32Array;
  readonly ln1Beta: Float32Array;
  /** [d, 3d]: q, k, v side by side, each split into heads of d/heads columns. */
  readonly wqkv: Float32Array;
  readonly bqkv: Float32Array;
  /** [d, d] */
  readonly wo: Float32Array;
  readonly bo: Float32Array;
  readonly ln2Gamma: Float32Array;
  readonly ln2Beta: Float32Array;
  /** [d, 4d] */
  readonly wfc: Float32Array;
  readonly bfc: Float32Array;
  /** [4d, d] */
  readonly wproj: Float32Array;
  readonly bproj: Float32Array;
}

/**
 * A trained GPT's weights, looked up by the parameter names `GptModel` and its checkpoints use (`wte`, `wpe`,
 * `h.0.attn.wqkv`, …, `lnf.gamma`, and `lm_head` when embeddings are untied), with every size checked against
 * the shape. Inference and export read weights only through this view, never through the training graph.
 */
export class GptWeights {
  /** [vocab, d] */
  readonly wte: Float32Array;
  /** [contextLength, d] */
  readonly wpe: Float32Array;
  readonly blocks: readonly GptBlockWeights[];
  readonly lnfGamma: Float32Array;
  readonly lnfBeta: Float32Array;
  /** [d, vocab] when embeddings are untied; the output projection is wteᵀ otherwise. */
  readonly lmHead: Float32Array | undefined;

  private constructor(
    readonly shape: GptShape,
    take: (name: string, size: number) => Float32Array,
  ) {
    const {vocabSize: v, contextLength: c, layers, dModel: d} = shape;
    this.wte = take('wte', v * d);
    this.wpe = take('wpe', c * d);
    this.lnfGamma = take('lnf.gamma', d);
    this.lnfBeta = take('lnf.beta', d);
    this.lmHead = shape.tiedEmbeddings ? undefined : take('lm_head', d * v);
    const blocks: GptBlockWeights[] = [];
    for (let layer = 0; layer < layers; layer++) {
      const p = `h.${layer}`;
      blocks.push({
        ln1Gamma: take(`${p}.ln1.gamma`, d),
        ln1Beta: take(`${p}.ln1.beta`, d),
        wqkv: take(`${p}.attn.wqkv`, d * 3 * d),
        bqkv: take(`${p}.attn.bqkv`, 3 * d),
        wo: take(`${p}.attn.wo`, d * d),
        bo: take(`${p}.attn.bo`, d),
        ln2Gamma: take(`${p}.ln2.gamma`, d),
        ln2Beta: take(`${p}.ln2.beta`, d),
        wfc: take(`${p}.mlp.wfc`, d * 4 * d),
        bfc: take(`${p}.mlp.bfc`, 4 * d),
        wproj: take(`${p}.mlp.wproj`, 4 * d * d),
        bproj: take(`${p}.mlp.bproj`, d),
      });
    }
    this.blocks = blocks;
  }

  /**
   * Reads the weights of a model of `shape` from named tensors (a `GptModel.getWeights()` map or a checkpoint's
   * tensors). A missing, surplus or wrongly sized tensor is an `E_WEIGHTS` error naming it.
   */
  static from(shape: GptShape, tensors: ReadonlyMap<string, Float32Array>): GptWeights {
    if (shape.dModel % shape.heads !== 0) {
      throw new CodexError('E_WEIGHTS', `model width ${shape.dModel} is not a multiple of its ${shape.heads} heads`, {
        exitCode: ExitCode.integrity,
      });
    }
    const used = new Set<string>();
    const weights = new GptWeights(shape, (name, size) => {
      const values = tensors.get(name);
      if (!values || values.length !== size) {
        throw new CodexError(
          'E_WEIGHTS',
          `weights for "${name}" ${values ? `have ${values.length} values, expected ${size}` : 'are missing'}`,
          {hint: 'the checkpoint was written by a model with another training.model config', exitCode: ExitCode.integrity},
        );
      }
      used.add(name);
      return values;
    });
    const surplus = [...tensors.keys()].filter((name) => !used.has(name)).sort();
    if (surplus.length > 0) {
      throw new CodexError('E_WEIGHTS', `weights hold unknown parameter "${surplus[0]}"`, {
        hint: 'the checkpoint was written by a model with another training.model config',
        exitCode: ExitCode.integrity,
      });
    }
    return weights;
  }

  get headSize(): number {
    return this.shape.dModel / this.shape.heads;
  }

  /** Number of scalars (tied embeddings counted once). */
  get parameterCount(): number {
    const {vocabSize: v, contextLength: c, layers, dModel: d, tiedEmbeddings} = this.shape;
    return v * d + c * d + 2 * d + (tiedEmbeddings ? 0 : d * v) + layers * (12 * d * d + 13 * d);
  }
}
