// Layer normalisation over rows of d floats, forward and backward, one pass over each row per sweep.

import {at, V} from './vector-math';

const EPSILON: f32 = 1e-5;

/**
 * y = (x − mean) · rstd · gamma + beta per row; writes (mean, rstd) per row into `stats` [rows × 2] for the
 * backward pass. Means and variances are summed lane-wise over the row, then across lanes in a fixed order.
 */
export function layerNormForward(x: usize, gamma: usize, beta: usize, y: usize, stats: usize, rows: i32, d: i32): void {
  const inverse: f32 = <f32>1 / <f32>d;
  const vectorEnd = d & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * d);
    const yr = at(y, r * d);
    let sum = f32x4.splat(0);
    for (let j = 0; j < vectorEnd; j += 4) sum = f32x4.add(sum, v128.load(at(xr, j)));
    let total = V.sum(sum);
    for (let j = vectorEnd; j < d; j++) total += load<f32>(at(xr, j));
    const mean = total * inverse;
    const m4 = f32x4.splat(mean);
    let squares = f32x4.splat(0);
    for (let j = 0; j < vectorEnd; j += 4) {
      const centred = f32x4.sub(v128.load(at(xr, j)), m4);
      squares = f32x4.add(squares, f32x4.mul(centred, centred));
    }
    let variance = V.sum(squares);
    for (let j = vectorEnd; j < d; j++) {
      const centred = load<f32>(at(xr, j)) - mean;
      variance += centred * centred;
    }
    const rstd: f32 = <f32>1 / Mathf.sqrt(variance * inverse + EPSILON);
    const r4 = f32x4.splat(rstd);
    for (let j = 0; j < vectorEnd; j += 4) {
      const normalised = f32x4.mul(f32x4.sub(v128.load(at(xr, j)), m4), r4);
      v128.store(at(yr, j), f32x4.add(f32x4.mul(normalised, v128.load(at(gamma, j))), v128.load(at(beta, j))));
    }
    for (let j = vectorEnd; j < d; j++) {
      const normalised = (load<f32>(at(xr, j)) - mean) * rstd;
      store<f32>(at(yr, j), normalised * load<f32>(at(gamma, j)) + load<f32>(at(beta, j)));
    }
    store<f32>(at(stats, 2 * r), mean);
    store<f32>(at(stats, 2 * r + 1), rstd);
  }
}

/**
 * dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)) with ĝ = dy · gamma and x̂ the normalised input; dgamma = Σ dy · x̂
 * and dbeta = Σ dy over rows, summed in row order.
 */
export function layerNormBackward(
  dy: usize,
  x: usize,
  gamma: usize,
  stats: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  rows: i32,
  d: i32,
): void {
  const inverse: f32 = <f32>1 / <f32>d;
  const vectorEnd = d & ~3;
  memory.fill(dgamma, 0, (<usize>d) << 2);
  memory.fill(dbeta, 0, (<usize>d) << 2);
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * d);
    const gr = at(dy, r * d);
    const dxr = at(dx, r * d);
    const mean = load<f32>(at(stats, 2 * r));
    const rstd = load<f32>(at(stats, 2 * r + 1));
    const m4 = f32x4.splat(mean);
    const r4 = f32x4.splat(rstd);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    for (let j = 0; j < vectorEnd; j += 4) {
      const g = v128.load(at(gr, j));
      const xhat = f32x4.mul(f32x4.sub(v128.load(at(xr, j)), m4), r4);
      const scaled = f32x4.mul(g, v128.load(at(gamma, j)));
      s1 = f32x4.add(s1, scaled);
      s2 = f32x4.add(s2, f32x4.mul(scaled, xhat));
      v128.store(at(dgamma, j), f32x4.add(v128.load(at(dgamma, j)), f32x4.mul(g, xhat)));
      v128.store(at(dbeta, j), f32x4.add(v128.load(at(dbeta, j)), g));
    }
    let sum1 = V.sum(s1);
    let sum2 = V.sum(s2);
    for (let j = vectorEnd; j < d; j++) {
      const g = load<f32>(at(gr, j));
      const xhat = (load<f32>(at(xr, j)) - mean) * rstd;
      const scaled = g * load<f32>(at(gamma, j));
      sum1 += scaled;
      sum2 += scaled * xhat;
      store<f32>(at(dgamma, j), load<f32>(at(dgamma, j)) + g * xhat);
      store<f32>(at(dbeta, j), load<f32>(at(dbeta, j)) + g);
    }
    const meanScaled = sum1 * inverse;
    const meanProduct = sum2 * inverse;
    const ms4 = f32x4.splat(meanScaled);
    const mp4 = f32x4.splat(meanProduct);
    for (let j = 0; j < vectorEnd; j += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(at(xr, j)), m4), r4);
      const scaled = f32x4.mul(v128.load(at(gr, j)), v128.load(at(gamma, j)));
      v128.store(at(dxr, j), f32x4.mul(r4, f32x4.sub(f32x4.sub(scaled, ms4), f32x4.mul(xhat, mp4))));
    }
    for (let j = vectorEnd; j < d; j++) {
      const xhat = (load<f32>(at(xr, j)) - mean) * rstd;
      const scaled = load<f32>(at(gr, j)) * load<f32>(at(gamma, j));
      store<f32>(at(dxr, j), rstd * (scaled - meanScaled - xhat * meanProduct));
    }
  }
}
