import * as tf from '@tensorflow/tfjs';
import {useJsKernels} from './kernel-policy.js';

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
 * The JavaScript path reads q, k and v in place in that layout — no transposes, no [B, H, T, T] mask add —
 * and skips the masked upper triangle, half of the products; it keeps the attention probabilities for the
 * backward pass. The tensor path (native backends) uses one batched matmul over batch × heads.
 */
export function causalSelfAttention(qkv: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  return useJsKernels() ? attentionJs(qkv, shape) : attentionTensor(qkv, shape);
}

function attentionJs(qkv: tf.Tensor2D, {batch, time, heads}: AttentionShape): tf.Tensor2D {
  const width = qkv.shape[1] / 3;
  const headSize = width / heads;
  const stride = 3 * width;
  const scale = 1 / Math.sqrt(headSize);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input] = args as [tf.Tensor];
    const x = input.dataSync() as Float32Array;
    const out = new Float32Array(batch * time * width);
    // probs[((b·H + h)·T + i)·T + j], j ≤ i
    const probs = new Float32Array(batch * heads * time * time);
    const row = new Float64Array(time);
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        const qCol = h * headSize;
        const kCol = width + h * headSize;
        const vCol = 2 * width + h * headSize;
        for (let i = 0; i < time; i++) {
          const qBase = (b * time + i) * stride + qCol;
          let max = Number.NEGATIVE_INFINITY;
          for (let j = 0; j <= i; j++) {
            const kBase = (b * time + j) * stride + kCol;
            let dot = 0;
            for (let c = 0; c < headSize; c++) dot += (x[qBase + c] as number) * (x[kBase + c] as number);
            const s = dot * scale;
            row[j] = s;
            if (s > max) max = s;
          }
          let sum = 0;
          for (let j = 0; j <= i; j++) {
            const e = Math.exp((row[j] as number) - max);
            row[j] = e;
            sum += e;
          }
          const pBase = ((b * heads + h) * time + i) * time;
          const oBase = (b * time + i) * width + qCol;
          for (let j = 0; j <= i; j++) {
            const p = (row[j] as number) / sum;
            probs[pBase + j] = p;
            const vBase = (b * time + j) * stride + vCol;
            for (let c = 0; c < headSize; c++) out[oBase + c] = (out[oBase + c] as number) + p * (x[vBase + c] as number);
          }
        }
      }
    }
    return {
      value: tf.tensor2d(out, [batch * time, width]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(x.length);
        const dp = new Float64Array(time);
        for (let b = 0; b < batch; b++) {
          for (let h = 0; h < heads; h++) {
            const qCol = h * headSize;
            const kCol = width + h * headSize;
            const vCol = 2 * width + h * headSize;
            for (let i = 0; i < time; i++) {
              const gBase = (b * time + i) * width + qCol;
              const pBase = ((b * heads + h) * time + i) * time;
              const qBase = (b * time + i) * stride + qCol;
              let weighted = 0;
              for (let j = 0; j <= i; j++) {
                const p = probs[pBase + j] as number;
                const vBase = (b * time + j) * stride + vCol;
                let dot = 0;
                for (let c = 0; c < headSize; c++) {
                  const go = g[gBase + c] as number;
                  dot += go * (x[vBase + c] as number);
                  dx[vBase + c] = (dx[vBase + c] as number) + p * go;
                }
                dp[j] = dot;
                weighted += p * dot;
              }
              // softmax backward: ds_j = p_j (dp_j − Σ p·dp); then through the scaled dot products.
              for (let j = 0; j <= i; j++) {
                const ds = (probs[pBase + j] as number) * ((dp[j] as number) - weighted) * scale;
                if (ds === 0) continue;
                const kBase = (b * time + j) * stride + kCol;
                for (let c = 0; c < headSize; c++) {
                  dx[qBase + c] = (dx[qBase + c] as number) + ds * (x[kBase + c] as number);
                  dx[kBase + c] = (dx[kBase + c] as number) + ds * (x[qBase + c] as number);
                }
              }
            }
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
