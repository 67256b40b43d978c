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
 * out[j] = bias[j] + Σ_i x[i]·W[i, j] for W row-major [rows, columns]: rows of W are read in order, so memory
 * is walked once, front to back. `scratch` is a float64 accumulator of at least `columns` entries.
 */
export function vectorMatrix(
  x: Float32Array,
  weights: Float32Array,
  bias: Float32Array | undefined,
  columns: number,
  out: Float32Array,
  scratch: Float64Array,
): Float32Array {
  const rows = x.length;
  if (bias) for (let j = 0; j < columns; j++) scratch[j] = bias[j] as number;
  else scratch.fill(0, 0, columns);
  for (let i = 0; i < rows; i++) {
    const xi = x[i] as number;
    if (xi === 0) continue;
    const base = i * columns;
    for (let j = 0; j < columns; j++) scratch[j] = (scratch[j] as number) + xi * (weights[base + j] as number);
  }
  for (let j = 0; j < columns; j++) out[j] = scratch[j] as number;
  return out;
}

/** out[r] = Σ_i x[i]·M[r, i] for M row-major [rows, x.length] (the tied output projection x·wteᵀ). */
export function matrixVector(matrix: Float32Array, x: Float32Array, rows: number, out: Float32Array): Float32Array {
  const width = x.length;
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    let sum = 0;
    for (let i = 0; i < width; i++) sum += (matrix[base + i] as number) * (x[i] as number);
    out[r] = sum;
  }
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
