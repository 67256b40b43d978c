import type {GptWeights} from '../inference/gpt-weights.js';
import {LAYER_NORM_EPSILON} from '../inference/vector-kernels.js';
import type {ExportedFile} from './hf-gpt2-export.js';
import {OnnxGraphBuilder, OnnxType} from './onnx-graph-builder.js';

/** Lowest opset with `LayerNormalization`; also the newest that onnx 1.12 (Debian's) can check. */
export const ONNX_OPSET = 17;
/** Added to attention scores above the diagonal; exp of it underflows to exactly 0 in float32. */
const MASKED = -1e9;

/**
 * `model.onnx`: the GPT as one ONNX graph (opset 17) from `input_ids` int64 [batch, sequence] to `logits`
 * float32 [batch, sequence, vocab], both axes dynamic (sequence ≤ contextLength). It computes what the
 * training graph computes — learned positions, pre-norm blocks with `LayerNormalization` (ε = 1e-5), causal
 * attention scaled by 1/√(d/heads), GELU in its tanh form written out with `Tanh`, final norm and tied (or
 * untied) output projection — so onnxruntime gives the same logits up to float32 rounding.
 */
export function gptOnnxFiles(weights: GptWeights, producerVersion: string): ExportedFile[] {
  const {vocabSize: v, contextLength: c, layers, heads, dModel: d, tiedEmbeddings} = weights.shape;
  const headSize = d / heads;
  const g = new OnnxGraphBuilder('codex_gpt');
  const inputIds = g.input('input_ids', OnnxType.int64, ['batch', 'sequence']);

  const wte = g.initializer('wte', OnnxType.float, [v, d], weights.wte);
  const wpe = g.initializer('wpe', OnnxType.float, [c, d], weights.wpe);
  const mask = g.initializer('causal_mask', OnnxType.float, [c, c], causalMask(c));
  const scale = g.floats('attention_scale', [], [1 / Math.sqrt(headSize)]);
  const half = g.floats('half', [], [0.5]);
  const one = g.floats('one', [], [1]);
  const cubic = g.floats('gelu_cubic', [], [0.044715]);
  const sqrt2OverPi = g.floats('sqrt_2_over_pi', [], [Math.sqrt(2 / Math.PI)]);
  const zero64 = g.int64s('zero', [], [0]);
  const one64 = g.int64s('one_step', [], [1]);
  const axis0 = g.int64s('axis_0', [1], [0]);
  const axes01 = g.int64s('axes_0_1', [2], [0, 1]);
  const origin = g.int64s('origin_0_0', [2], [0, 0]);
  const qkvSplit = g.int64s('qkv_split', [3], [d, d, d]);
  const headsShape = g.int64s('heads_shape', [4], [0, 0, heads, headSize]);
  const mergedShape = g.int64s('merged_shape', [3], [0, 0, d]);

  // Positions 0…T−1 and the [T, T] corner of the causal mask, for this input's sequence length T.
  const length = g.op('Shape', [inputIds], {start: 1, end: 2});
  const positions = g.op('Range', [zero64, g.op('Squeeze', [length, axis0]), one64]);
  const causal = g.op('Slice', [mask, origin, g.op('Concat', [length, length], {axis: 0}), axes01]);

  let x = g.op('Add', [g.op('Gather', [wte, inputIds], {axis: 0}), g.op('Gather', [wpe, positions], {axis: 0})]);
  const layerNorm = (input: string, gamma: string, beta: string) =>
    g.op('LayerNormalization', [input, gamma, beta], {axis: -1, epsilon: {float: LAYER_NORM_EPSILON}});
  const linear = (input: string, weight: string, bias: string) => g.op('Add', [g.op('MatMul', [input, weight]), bias]);

  weights.blocks.forEach((block, layer) => {
    const p = `h.${layer}`;
    const param = (name: string, dims: number[], values: Float32Array) => g.initializer(`${p}.${name}`, OnnxType.float, dims, values);
    // Attention: [B, T, 3d] → q, k, v as [B, H, T, hd] (k as [B, H, hd, T]), softmax(q·kᵀ·scale + mask)·v.
    const normed = layerNorm(x, param('ln1.gamma', [d], block.ln1Gamma), param('ln1.beta', [d], block.ln1Beta));
    const qkv = linear(normed, param('attn.wqkv', [d, 3 * d], block.wqkv), param('attn.bqkv', [3 * d], block.bqkv));
    const [q, k, val] = g.node('Split', [qkv, qkvSplit], {axis: 2}, 3) as [string, string, string];
    const split = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, headsShape])], {perm});
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [split(q, [0, 2, 1, 3]), split(k, [0, 2, 3, 1])]), scale]), causal]);
    const mixed = g.op('MatMul', [g.op('Softmax', [scores], {axis: -1}), split(val, [0, 2, 1, 3])]);
    const merged = g.op('Reshape', [g.op('Transpose', [mixed], {perm: [0, 2, 1, 3]}), mergedShape]);
    x = g.op('Add', [x, linear(merged, param('attn.wo', [d, d], block.wo), param('attn.bo', [d], block.bo))]);
    // MLP with GELU(u) = ½u(1 + tanh(√(2/π)(u + 0.044715u³))).
    const normed2 = layerNorm(x, param('ln2.gamma', [d], block.ln2Gamma), param('ln2.beta', [d], block.ln2Beta));
    const u = linear(normed2, param('mlp.wfc', [d, 4 * d], block.wfc), param('mlp.bfc', [4 * d], block.bfc));
    const inner = g.op('Mul', [g.op('Add', [u, g.op('Mul', [g.op('Mul', [g.op('Mul', [u, u]), u]), cubic])]), sqrt2OverPi]);
    const activated = g.op('Mul', [g.op('Mul', [u, half]), g.op('Add', [g.op('Tanh', [inner]), one])]);
    x = g.op('Add', [x, linear(activated, param('mlp.wproj', [4 * d, d], block.wproj), param('mlp.bproj', [d], block.bproj))]);
  });

  const final = layerNorm(
    x,
    g.initializer('lnf.gamma', OnnxType.float, [d], weights.lnfGamma),
    g.initializer('lnf.beta', OnnxType.float, [d], weights.lnfBeta),
  );
  const head = weights.lmHead ? g.initializer('lm_head', OnnxType.float, [d, v], weights.lmHead) : g.op('Transpose', [wte], {perm: [1, 0]});
  g.output('logits', g.op('MatMul', [final, head]), OnnxType.float, ['batch', 'sequence', v]);

  const bytes = g.encode({
    opset: ONNX_OPSET,
    producer: 'codex-ml',
    producerVersion,
    doc: `GPT, ${layers} layers, ${heads} heads, d=${d}, context ${c}, vocabulary ${v}${tiedEmbeddings ? ', tied embeddings' : ''}`,
  });
  return [{name: 'model.onnx', bytes}];
}

function causalMask(size: number): Float32Array {
  const values = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) values[i * size + j] = MASKED;
  return values;
}
