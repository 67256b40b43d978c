/**
 * The per-token arithmetic of incremental decoding on plain float32 arrays. One token's work is a handful of
 * vector × matrix products over at most a few hundred thousand weights, where a tensor library's per-op
 * dispatch costs more than the arithmetic; plain loops also give the same bits on every backend and machine.
 * Sums are accumulated in float64 and rounded once, so results sit within float32 rounding of the training
 * graph's.
 */

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;
/** Layer-norm epsilon of `ops/layer-norm.ts` (and GPT-2's `layer_norm_epsilon`). */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * out[r] = bias[r] + Σ_i x[i]·M[r, i] for M row-major [rows, x.length]: one dot product per output, two rows
 * at a time, each summed in four independent partial sums — registers, not memory — which V8 turns into a
 * tight loop several times faster than accumulating into an array.
 */
export function matrixVector(matrix: Float32Array, x: Float32Array, rows: number, out: Float32Array, bias?: Float32Array): Float32Array {
  const width = x.length;
  const tail = width & ~3;
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const a = r * width;
    const b = a + width;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    for (let i = 0; i < tail; i += 4) {
      const x0 = x[i] as number;
      const x1 = x[i + 1] as number;
      const x2 = x[i + 2] as number;
      const x3 = x[i + 3] as number;
      a0 += (matrix[a + i] as number) * x0;
      a1 += (matrix[a + i + 1] as number) * x1;
      a2 += (matrix[a + i + 2] as number) * x2;
      a3 += (matrix[a + i + 3] as number) * x3;
      b0 += (matrix[b + i] as number) * x0;
      b1 += (matrix[b + i + 1] as number) * x1;
      b2 += (matrix[b + i + 2] as number) * x2;
      b3 += (matrix[b + i + 3] as number) * x3;
    }
    for (let i = tail; i < width; i++) {
      a0 += (matrix[a + i] as number) * (x[i] as number);
      b0 += (matrix[b + i] as number) * (x[i] as number);
    }
    out[r] = (bias ? (bias[r] as number) : 0) + (a0 + a1 + (a2 + a3));
    out[r + 1] = (bias ? (bias[r + 1] as number) : 0) + (b0 + b1 + (b2 + b3));
  }
  for (; r < rows; r++) {
    const a = r * width;
    let sum = 0;
    for (let i = 0; i < width; i++) sum += (matrix[a + i] as number) * (x[i] as number);
    out[r] = (bias ? (bias[r] as number) : 0) + sum;
  }
  return out;
}

/** [rows, columns] row-major → [columns, rows]. */
export function transposed(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c] as number;
  return out;
}

/** Layer normalisation of one vector: (x − mean)/√(var + ε)·γ + β, biased variance as in training. */
export function layerNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, out: Float32Array): Float32Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] as number;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const centred = (x[i] as number) - mean;
    variance += centred * centred;
  }
  const rstd = 1 / Math.sqrt(variance / n + LAYER_NORM_EPSILON);
  for (let i = 0; i < n; i++) out[i] = ((x[i] as number) - mean) * rstd * (gamma[i] as number) + (beta[i] as number);
  return out;
}

/** GELU, tanh approximation — the function `ops/gelu.ts` trains with — in place. */
export function geluInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    x[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v)));
  }
  return x;
}

/** x += y, elementwise. */
export function addInPlace(x: Float32Array, y: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) + (y[i] as number);
  return x;
}
