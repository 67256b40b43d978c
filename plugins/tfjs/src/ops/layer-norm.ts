import * as tf from '@tensorflow/tfjs';
import {useJsKernels} from './kernel-policy.js';

const EPSILON = 1e-5;

/**
 * Layer normalisation over the last axis of x [rows, d] with a hand-written gradient:
 * dx = rstd · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat)), dxhat = dy · γ.
 * The JavaScript path does each row in two passes (statistics in float64); the tensor path records about
 * half the kernels autodiff would.
 */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  return useJsKernels() ? layerNormJs(x, gamma, beta) : layerNormTensor(x, gamma, beta);
}

function layerNormJs(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const [rows, width] = x.shape;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, g, b] = args as [tf.Tensor, tf.Tensor, tf.Tensor];
    const values = input.dataSync() as Float32Array;
    const gain = g.dataSync() as Float32Array;
    const bias = b.dataSync() as Float32Array;
    const xhat = new Float32Array(values.length);
    const rstd = new Float64Array(rows);
    const out = new Float32Array(values.length);
    for (let r = 0; r < rows; r++) {
      const base = r * width;
      let sum = 0;
      for (let j = 0; j < width; j++) sum += values[base + j] as number;
      const mean = sum / width;
      let squares = 0;
      for (let j = 0; j < width; j++) {
        const c = (values[base + j] as number) - mean;
        squares += c * c;
      }
      const inv = 1 / Math.sqrt(squares / width + EPSILON);
      rstd[r] = inv;
      for (let j = 0; j < width; j++) {
        const h = ((values[base + j] as number) - mean) * inv;
        xhat[base + j] = h;
        out[base + j] = h * (gain[j] as number) + (bias[j] as number);
      }
    }
    return {
      value: tf.tensor2d(out, [rows, width]),
      gradFunc: (dy: tf.Tensor) => {
        const grad = dy.dataSync() as Float32Array;
        const dx = new Float32Array(values.length);
        const dGain = new Float64Array(width);
        const dBias = new Float64Array(width);
        for (let r = 0; r < rows; r++) {
          const base = r * width;
          let meanD = 0;
          let meanDX = 0;
          for (let j = 0; j < width; j++) {
            const d = (grad[base + j] as number) * (gain[j] as number);
            meanD += d;
            meanDX += d * (xhat[base + j] as number);
          }
          meanD /= width;
          meanDX /= width;
          const inv = rstd[r] as number;
          for (let j = 0; j < width; j++) {
            const gy = grad[base + j] as number;
            const h = xhat[base + j] as number;
            dx[base + j] = inv * (gy * (gain[j] as number) - meanD - h * meanDX);
            dGain[j] = (dGain[j] as number) + gy * h;
            dBias[j] = (dBias[j] as number) + gy;
          }
        }
        return [tf.tensor2d(dx, [rows, width]), tf.tensor(Float32Array.from(dGain), g.shape), tf.tensor(Float32Array.from(dBias), b.shape)];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

function layerNormTensor(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean(input, -1, true);
    const centred = tf.sub(input, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    const rstd = tf.rsqrt(tf.add(variance, EPSILON));
    const normalised = tf.mul(centred, rstd);
    save([normalised, rstd, g]);
    return {
      value: tf.add(tf.mul(normalised, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xhat, r, gain] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dxhat = tf.mul(dy, gain);
        const dx = tf.mul(r, tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(xhat, tf.mean(tf.mul(dxhat, xhat), -1, true))));
        return [dx, tf.sum(tf.mul(dy, xhat), 0), tf.sum(dy, 0)];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}
