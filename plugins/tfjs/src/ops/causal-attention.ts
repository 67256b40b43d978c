import * as tf from '@tensorflow/tfjs';
import {simdCausalAttention, simdCausalAttentionGrad} from '../kernels/simd-ops.js';
import {kernelPath} from './kernel-policy.js';

/** Layout of one attention call. */
export interface AttentionShape {
  readonly batch: number;
  readonly time: number;
  readonly heads: number;
}

/**
 * Causal multi-head self-attention core: from `qkv` [batch·time, 3·d] (q, k, v side by side, each split into
 * heads of d/heads columns) to the mixed values [batch·time, d], softmax(q·kᵀ/√hd + causal mask)·v per head.
 *
 * The wasm/cpu path runs one small 2-D matmul per (batch, head) with the masked softmax in JavaScript and
 * keeps the attention probabilities for the backward pass; the tensor path (native backends) uses one batched
 * matmul over batch × heads.
 */
export function causalSelfAttention(qkv: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const path = kernelPath();
  if (path === 'simd') return attentionSimd(qkv, shape);
  return path === 'js' ? attentionJs(qkv, shape) : attentionTensor(qkv, shape);
}

/**
 * The whole attention of a layer in one kernel each way: per (batch, head), q·kᵀ only on and below the diagonal,
 * the masked softmax, then the mix — reading q, k and v where they lie in the qkv matrix. The probabilities are
 * kept for the backward pass.
 */
function attentionSimd(qkv: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const layout = {batch: shape.batch, time: shape.time, heads: shape.heads};
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [value, probs] = simdCausalAttention(input, layout);
    save([input, probs]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sp] = saved as [tf.Tensor, tf.Tensor];
        return [simdCausalAttentionGrad(sx, sp, dy, layout)];
      },
    };
  });
  return op(qkv) as tf.Tensor2D;
}

/** Product of two row-major float32 matrices through the backend's matmul (XNNPACK on wasm). */
function product(a: Float32Array, rows: number, inner: number, b: Float32Array, columns: number): Float32Array {
  const left = tf.tensor2d(a, [rows, inner]);
  const right = tf.tensor2d(b, [inner, columns]);
  const result = tf.matMul(left, right);
  // dataSync copies out of the wasm heap (and the cpu backend keeps its array alive), so disposing is safe.
  const values = result.dataSync() as Float32Array;
  left.dispose();
  right.dispose();
  result.dispose();
  return values;
}

/**
 * Copies head `column`'s [time, headSize] block of batch `b` out of a row-major [batch·time, stride] matrix,
 * optionally transposed to [headSize, time].
 */
function block(
  x: Float32Array,
  b: number,
  column: number,
  time: number,
  headSize: number,
  stride: number,
  transpose: boolean,
): Float32Array {
  const out = new Float32Array(time * headSize);
  for (let t = 0; t < time; t++) {
    const from = (b * time + t) * stride + column;
    if (transpose) for (let c = 0; c < headSize; c++) out[c * time + t] = x[from + c] as number;
    else out.set(x.subarray(from, from + headSize), t * headSize);
  }
  return out;
}

/** Adds a [time, headSize] block back into head `column` of batch `b` of a [batch·time, stride] matrix. */
function addBlock(
  target: Float32Array,
  values: Float32Array,
  b: number,
  column: number,
  time: number,
  headSize: number,
  stride: number,
): void {
  for (let t = 0; t < time; t++) {
    const to = (b * time + t) * stride + column;
    for (let c = 0; c < headSize; c++) target[to + c] = (target[to + c] as number) + (values[t * headSize + c] as number);
  }
}

function transposeSquare(values: Float32Array, size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[j * size + i] = values[i * size + j] as number;
  return out;
}

/**
 * One small 2-D matmul per (batch, head) — the shape XNNPACK runs fast, where tfjs' batched matmul falls back
 * to a slow loop on wasm — with the masked softmax and its gradient in JavaScript. Blocks are copied out of
 * and back into the [batch·time, 3·d] layout directly, so no transposes of the whole activation are needed.
 */
function attentionJs(qkv: tf.Tensor2D, {batch, time, heads}: AttentionShape): tf.Tensor2D {
  const width = qkv.shape[1] / 3;
  const headSize = width / heads;
  const stride = 3 * width;
  const scale = 1 / Math.sqrt(headSize);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input] = args as [tf.Tensor];
    const x = input.dataSync() as Float32Array;
    const out = new Float32Array(batch * time * width);
    // probs[((b·H + h)·T + i)·T + j]; zero above the diagonal.
    const probs = new Float32Array(batch * heads * time * time);
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        const column = h * headSize;
        const q = block(x, b, column, time, headSize, stride, false);
        const kT = block(x, b, width + column, time, headSize, stride, true);
        const scores = product(q, time, headSize, kT, time);
        const p = probs.subarray((b * heads + h) * time * time, (b * heads + h + 1) * time * time);
        for (let i = 0; i < time; i++) {
          const row = i * time;
          let max = Number.NEGATIVE_INFINITY;
          for (let j = 0; j <= i; j++) max = Math.max(max, (scores[row + j] as number) * scale);
          let sum = 0;
          for (let j = 0; j <= i; j++) {
            const e = Math.exp((scores[row + j] as number) * scale - max);
            p[row + j] = e;
            sum += e;
          }
          for (let j = 0; j <= i; j++) p[row + j] = (p[row + j] as number) / sum;
        }
        const v = block(x, b, 2 * width + column, time, headSize, stride, false);
        addBlock(out, product(p, time, time, v, headSize), b, column, time, headSize, width);
      }
    }
    return {
      value: tf.tensor2d(out, [batch * time, width]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(x.length);
        for (let b = 0; b < batch; b++) {
          for (let h = 0; h < heads; h++) {
            const column = h * headSize;
            const p = probs.subarray((b * heads + h) * time * time, (b * heads + h + 1) * time * time);
            const dOut = block(g, b, column, time, headSize, width, false);
            // dV = Pᵀ·dO;  dP = dO·Vᵀ
            addBlock(dx, product(transposeSquare(p, time), time, time, dOut, headSize), b, 2 * width + column, time, headSize, stride);
            const dp = product(dOut, time, headSize, block(x, b, 2 * width + column, time, headSize, stride, true), time);
            // softmax backward, then the 1/√hd scale: dS_ij = p_ij (dP_ij − Σ_j p_ij dP_ij) / √hd.
            const ds = new Float32Array(time * time);
            for (let i = 0; i < time; i++) {
              const row = i * time;
              let weighted = 0;
              for (let j = 0; j <= i; j++) weighted += (p[row + j] as number) * (dp[row + j] as number);
              for (let j = 0; j <= i; j++) ds[row + j] = (p[row + j] as number) * ((dp[row + j] as number) - weighted) * scale;
            }
            // dQ = dS·K;  dK = dSᵀ·Q
            addBlock(
              dx,
              product(ds, time, time, block(x, b, width + column, time, headSize, stride, false), headSize),
              b,
              column,
              time,
              headSize,
              stride,
            );
            addBlock(
              dx,
              product(transposeSquare(ds, time), time, time, block(x, b, column, time, headSize, stride, false), headSize),
              b,
              width + column,
              time,
              headSize,
              stride,
            );
          }
        }
        return [tf.tensor2d(dx, [batch * time, stride])];
      },
    };
  });
  return op(qkv) as tf.Tensor2D;
}

const masks = new Map<number, tf.Tensor2D>();

function causalMask(time: number): tf.Tensor2D {
  let mask = masks.get(time);
  if (!mask || mask.isDisposed) {
    const values = new Float32Array(time * time);
    for (let i = 0; i < time; i++) for (let j = i + 1; j < time; j++) values[i * time + j] = -1e9;
    mask = tf.keep(tf.tensor2d(values, [time, time]));
    masks.set(time, mask);
  }
  return mask;
}

function attentionTensor(qkv: tf.Tensor2D, {batch, time, heads}: AttentionShape): tf.Tensor2D {
  const width = qkv.shape[1] / 3;
  const headSize = width / heads;
  // [B·T, 3d] → [3, B, H, T, hd]: one transpose serves q, k and v.
  const split = tf.transpose(tf.reshape(qkv, [batch, time, 3, heads, headSize]), [2, 0, 3, 1, 4]);
  const [q, k, v] = tf.unstack(split, 0) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const scores = tf.add(tf.matMul(tf.mul(q, 1 / Math.sqrt(headSize)), k, false, true), causalMask(time));
  const mixed = tf.matMul(tf.softmax(scores), v);
  return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch * time, width]) as tf.Tensor2D;
}
