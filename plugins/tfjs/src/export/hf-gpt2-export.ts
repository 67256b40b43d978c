import {utf8} from '@codex-ml/core';
import type {GptWeights} from '../inference/gpt-weights.js';
import {LAYER_NORM_EPSILON} from '../inference/vector-kernels.js';
import {encodeSafetensors, type SafetensorsEntry} from './safetensors-writer.js';

/** A file of an export, by its name inside the export directory. */
export interface ExportedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Ids of the tokenizer's special tokens that a model config records; absent roles are left out. */
export interface SpecialTokenIds {
  readonly bos?: number;
  readonly eos?: number;
  readonly pad?: number;
}

export interface HfExportOptions {
  readonly tokens: SpecialTokenIds;
  /** Dropout rate the model trained with (recorded for fine-tuning; inference ignores it). */
  readonly dropout: number;
}

/**
 * The model half of a Hugging Face GPT-2 directory (what `GPT2LMHeadModel.save_pretrained` writes):
 * `model.safetensors` under GPT-2's tensor names, `config.json` and `generation_config.json`.
 *
 * Layout: GPT-2's attention and MLP projections are `Conv1D` modules whose weight is [in, out] (y = x·W + b) —
 * the layout our model trains with, so they are stored as they are; q, k and v sit side by side in `c_attn`
 * with heads as consecutive column blocks in both. Only an untied output projection is an `nn.Linear`, whose
 * weight is [out, in]: ours is [d, vocab], so it is transposed. Tied embeddings store `wte` once (the head
 * shares it, `tie_word_embeddings: true`).
 *
 * GELU: the model uses the tanh approximation, which is `gelu_new` in transformers (as in the original GPT-2).
 */
export function hfGpt2Files(weights: GptWeights, options: HfExportOptions): ExportedFile[] {
  const {vocabSize: v, contextLength: c, layers, heads, dModel: d, tiedEmbeddings} = weights.shape;
  const entries: SafetensorsEntry[] = [
    {name: 'transformer.wte.weight', shape: [v, d], data: weights.wte},
    {name: 'transformer.wpe.weight', shape: [c, d], data: weights.wpe},
    {name: 'transformer.ln_f.weight', shape: [d], data: weights.lnfGamma},
    {name: 'transformer.ln_f.bias', shape: [d], data: weights.lnfBeta},
  ];
  weights.blocks.forEach((block, layer) => {
    const p = `transformer.h.${layer}`;
    entries.push(
      {name: `${p}.ln_1.weight`, shape: [d], data: block.ln1Gamma},
      {name: `${p}.ln_1.bias`, shape: [d], data: block.ln1Beta},
      {name: `${p}.attn.c_attn.weight`, shape: [d, 3 * d], data: block.wqkv},
      {name: `${p}.attn.c_attn.bias`, shape: [3 * d], data: block.bqkv},
      {name: `${p}.attn.c_proj.weight`, shape: [d, d], data: block.wo},
      {name: `${p}.attn.c_proj.bias`, shape: [d], data: block.bo},
      {name: `${p}.ln_2.weight`, shape: [d], data: block.ln2Gamma},
      {name: `${p}.ln_2.bias`, shape: [d], data: block.ln2Beta},
      {name: `${p}.mlp.c_fc.weight`, shape: [d, 4 * d], data: block.wfc},
      {name: `${p}.mlp.c_fc.bias`, shape: [4 * d], data: block.bfc},
      {name: `${p}.mlp.c_proj.weight`, shape: [4 * d, d], data: block.wproj},
      {name: `${p}.mlp.c_proj.bias`, shape: [d], data: block.bproj},
    );
  });
  if (weights.lmHead) entries.push({name: 'lm_head.weight', shape: [v, d], data: transpose(weights.lmHead, d, v)});

  const ids = options.tokens;
  const tokenIds = {
    ...(ids.bos === undefined ? {} : {bos_token_id: ids.bos}),
    ...(ids.eos === undefined ? {} : {eos_token_id: ids.eos}),
    ...(ids.pad === undefined ? {} : {pad_token_id: ids.pad}),
  };
  const config = {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: v,
    n_positions: c,
    n_ctx: c,
    n_embd: d,
    n_layer: layers,
    n_head: heads,
    n_inner: null,
    activation_function: 'gelu_new',
    layer_norm_epsilon: LAYER_NORM_EPSILON,
    resid_pdrop: options.dropout,
    embd_pdrop: options.dropout,
    // The model never drops attention probabilities.
    attn_pdrop: 0,
    initializer_range: 0.02,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    tie_word_embeddings: tiedEmbeddings,
    use_cache: true,
    torch_dtype: 'float32',
    ...tokenIds,
  };
  const generation = {...tokenIds, max_length: c, do_sample: true};
  return [
    {name: 'model.safetensors', bytes: encodeSafetensors(entries, {format: 'pt'})},
    jsonFile('config.json', config),
    jsonFile('generation_config.json', generation),
  ];
}

export function jsonFile(name: string, value: unknown): ExportedFile {
  return {name, bytes: utf8(`${JSON.stringify(value, null, 2)}\n`)};
}

/** [rows, columns] row-major → [columns, rows]. */
function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let col = 0; col < columns; col++) out[col * rows + r] = values[r * columns + col] as number;
  return out;
}
