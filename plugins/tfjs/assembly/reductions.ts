// Reductions over rows: bias gradients and the embedding table's gradient.

import {at} from './vector-math';

/** out[c] = Σ_r x[r][c] over rows × columns, rows added in order. */
export function columnSums(x: usize, out: usize, rows: i32, columns: i32): void {
  memory.fill(out, 0, (<usize>columns) << 2);
  const vectorEnd = columns & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * columns);
    for (let c = 0; c < vectorEnd; c += 4) v128.store(at(out, c), f32x4.add(v128.load(at(out, c)), v128.load(at(xr, c))));
    for (let c = vectorEnd; c < columns; c++) store<f32>(at(out, c), load<f32>(at(out, c)) + load<f32>(at(xr, c)));
  }
}

/**
 * table [vocab × d] = Σ rows of dy [n × d] scattered by int32 ids [n], in index order; out-of-range ids are
 * dropped (as TensorFlow's UnsortedSegmentSum does).
 */
export function scatterRows(dy: usize, ids: usize, table: usize, n: i32, vocab: i32, d: i32): void {
  memory.fill(table, 0, (<usize>vocab * <usize>d) << 2);
  const vectorEnd = d & ~3;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(at(ids, i));
    if (id < 0 || id >= vocab) continue;
    const to = at(table, id * d);
    const from = at(dy, i * d);
    for (let c = 0; c < vectorEnd; c += 4) v128.store(at(to, c), f32x4.add(v128.load(at(to, c)), v128.load(at(from, c))));
    for (let c = vectorEnd; c < d; c++) store<f32>(at(to, c), load<f32>(at(to, c)) + load<f32>(at(from, c)));
  }
}

/** Σ x² over n floats, in float64 (two lanes summed in order, then the tail). */
export function sumOfSquares(x: usize, n: i32): f64 {
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  const vectorEnd = n & ~3;
  for (let i = 0; i < vectorEnd; i += 4) {
    const v = v128.load(at(x, i));
    const squares = f32x4.mul(v, v);
    low = f64x2.add(low, f64x2.promote_low_f32x4(squares));
    high = f64x2.add(high, f64x2.promote_low_f32x4(i32x4.shuffle(squares, squares, 2, 3, 0, 1)));
  }
  let total = f64x2.extract_lane(low, 0) + f64x2.extract_lane(low, 1) + f64x2.extract_lane(high, 0) + f64x2.extract_lane(high, 1);
  for (let i = vectorEnd; i < n; i++) {
    const value = load<f32>(at(x, i));
    total += <f64>(value * value);
  }
  return total;
}
