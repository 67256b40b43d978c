import {CodexError, ExitCode} from '@codex-ml/core';
import type {GptWeights} from './gpt-weights.js';
import {addInPlace, geluInPlace, layerNorm, matrixVector, transposed} from './vector-kernels.js';

/** A block's projections transposed to [out, in], so each output is one contiguous dot product. */
interface TransposedBlock {
  readonly qkv: Float32Array;
  readonly o: Float32Array;
  readonly fc: Float32Array;
  readonly proj: Float32Array;
}

/**
 * Incremental decoding of a GPT with a key/value cache: each appended token runs through every block once,
 * attending over the keys and values cached for the tokens before it, so a new token costs O(context · d)
 * attention plus the fixed per-token weight products — never a recompute of the whole context.
 *
 * The arithmetic is the training graph's (`GptModel.forward`): learned positions, pre-norm blocks, causal
 * attention with q·kᵀ/√(d/heads), GELU (tanh form) MLP, final layer norm, tied or untied output projection.
 * Positions are absolute, so a session holds at most `contextLength` tokens; what happens past that (which
 * tokens to keep) is the caller's policy.
 */
export class KvCacheDecoder {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly #weights: GptWeights;
  readonly #blocks: readonly TransposedBlock[];
  /** [vocab, d]: wte when tied, lm_headᵀ otherwise. */
  readonly #head: Float32Array;
  readonly #keys: Float32Array[];
  readonly #values: Float32Array[];
  #length = 0;
  // Scratch buffers, allocated once per decoder.
  readonly #x: Float32Array;
  readonly #normed: Float32Array;
  readonly #qkv: Float32Array;
  readonly #mixed: Float32Array;
  readonly #branch: Float32Array;
  readonly #hidden: Float32Array;
  readonly #scores: Float64Array;
  readonly #mixedSums: Float64Array;

  constructor(weights: GptWeights) {
    const {vocabSize, contextLength, dModel: d, layers} = weights.shape;
    this.#weights = weights;
    this.#blocks = weights.blocks.map((block) => ({
      qkv: transposed(block.wqkv, d, 3 * d),
      o: transposed(block.wo, d, d),
      fc: transposed(block.wfc, d, 4 * d),
      proj: transposed(block.wproj, 4 * d, d),
    }));
    this.#head = weights.lmHead ? transposed(weights.lmHead, d, vocabSize) : weights.wte;
    this.vocabSize = vocabSize;
    this.contextLength = contextLength;
    this.#keys = Array.from({length: layers}, () => new Float32Array(contextLength * d));
    this.#values = Array.from({length: layers}, () => new Float32Array(contextLength * d));
    this.#x = new Float32Array(d);
    this.#normed = new Float32Array(d);
    this.#qkv = new Float32Array(3 * d);
    this.#mixed = new Float32Array(d);
    this.#branch = new Float32Array(d);
    this.#hidden = new Float32Array(4 * d);
    this.#scores = new Float64Array(contextLength);
    this.#mixedSums = new Float64Array(d / weights.shape.heads);
  }

  /** Tokens held in the cache (the position the next token takes). */
  get length(): number {
    return this.#length;
  }

  /** Forgets every cached token. */
  reset(): void {
    this.#length = 0;
  }

  /**
   * Feeds `ids` in order and returns the logits [vocab] that follow the last of them. Refuses to go past the
   * context window or to take an id outside the vocabulary, naming the value.
   */
  append(ids: readonly number[]): Float32Array {
    if (ids.length === 0) throw new RangeError('append needs at least one token');
    if (this.#length + ids.length > this.contextLength) {
      throw new CodexError(
        'E_MODEL_INPUT',
        `${this.#length + ids.length} tokens exceed the model's context window of ${this.contextLength}`,
        {hint: 'keep at most contextLength tokens per decoding session', exitCode: ExitCode.input},
      );
    }
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new CodexError('E_MODEL_INPUT', `token id ${id} is outside the vocabulary [0, ${this.vocabSize})`, {
          exitCode: ExitCode.input,
        });
      }
    }
    for (const id of ids) this.#step(id);
    return this.#logits();
  }

  /** Runs one token through every block, leaving its final residual stream in `#x`. */
  #step(id: number): void {
    const weights = this.#weights;
    const {dModel: d} = weights.shape;
    const position = this.#length;
    const x = this.#x;
    for (let i = 0; i < d; i++) x[i] = (weights.wte[id * d + i] as number) + (weights.wpe[position * d + i] as number);
    weights.blocks.forEach((block, layer) => {
      const t = this.#blocks[layer] as TransposedBlock;
      layerNorm(x, block.ln1Gamma, block.ln1Beta, this.#normed);
      matrixVector(t.qkv, this.#normed, 3 * d, this.#qkv, block.bqkv);
      this.#keys[layer]?.set(this.#qkv.subarray(d, 2 * d), position * d);
      this.#values[layer]?.set(this.#qkv.subarray(2 * d, 3 * d), position * d);
      this.#attend(layer, position);
      addInPlace(x, matrixVector(t.o, this.#mixed, d, this.#branch, block.bo));
      layerNorm(x, block.ln2Gamma, block.ln2Beta, this.#normed);
      geluInPlace(matrixVector(t.fc, this.#normed, 4 * d, this.#hidden, block.bfc));
      addInPlace(x, matrixVector(t.proj, this.#hidden, d, this.#branch, block.bproj));
    });
    this.#length = position + 1;
  }

  /** softmax(q·kᵀ/√hd)·v per head over cached positions 0…position, into `#mixed`. */
  #attend(layer: number, position: number): void {
    const {dModel: d, heads} = this.#weights.shape;
    const headSize = d / heads;
    const scale = 1 / Math.sqrt(headSize);
    const keys = this.#keys[layer] as Float32Array;
    const values = this.#values[layer] as Float32Array;
    const q = this.#qkv;
    const scores = this.#scores;
    const out = this.#mixed;
    for (let h = 0; h < heads; h++) {
      const column = h * headSize;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j <= position; j++) {
        const base = j * d + column;
        let dot = 0;
        for (let c = 0; c < headSize; c++) dot += (q[column + c] as number) * (keys[base + c] as number);
        const score = dot * scale;
        scores[j] = score;
        if (score > max) max = score;
      }
      let sum = 0;
      for (let j = 0; j <= position; j++) {
        const e = Math.exp((scores[j] as number) - max);
        scores[j] = e;
        sum += e;
      }
      // Rows of V are walked in order (each position's head slice is contiguous).
      const sums = this.#mixedSums.fill(0);
      for (let j = 0; j <= position; j++) {
        const p = scores[j] as number;
        const base = j * d + column;
        for (let c = 0; c < headSize; c++) sums[c] = (sums[c] as number) + p * (values[base + c] as number);
      }
      for (let c = 0; c < headSize; c++) out[column + c] = (sums[c] as number) / sum;
    }
  }

  #logits(): Float32Array {
    const weights = this.#weights;
    const {vocabSize, dModel: d} = weights.shape;
    const final = layerNorm(this.#x, weights.lnfGamma, weights.lnfBeta, new Float32Array(d));
    return matrixVector(this.#head, final, vocabSize, new Float32Array(vocabSize));
  }
}
