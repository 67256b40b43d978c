import {quota} from './quota.js';

/**
 * Rounds the table `count_l × ratio_s` (strata × splits) to integers so that every cell is the floor or the
 * ceiling of its quota, every row sums to its stratum's count, and every column sums to the given split size.
 * Such a rounding always exists for two-way tables whose margins are themselves roundings (Cox, "A constructive
 * procedure for unbiased controlled rounding", 1987); this finds one as a flow of the leftover units.
 *
 * Leftover units go first to the cells with the largest fractional parts (ties: earlier stratum, then earlier
 * split); when that greedy pass gets stuck, augmenting paths move units between cells until every margin holds.
 */
export function controlledRounding(counts: readonly number[], ratios: readonly number[], columnTotals: readonly number[]): number[][] {
  const strata = counts.length;
  const splits = ratios.length;
  const cells: number[][] = [];
  const fractions: number[][] = [];
  const rowLeft: number[] = [];
  const columnLeft = [...columnTotals];
  for (let l = 0; l < strata; l++) {
    const row: number[] = [];
    const fraction: number[] = [];
    let sum = 0;
    for (let s = 0; s < splits; s++) {
      const q = quota(counts[l] as number, ratios[s] as number);
      const floor = Math.floor(q);
      row.push(floor);
      fraction.push(q - floor);
      sum += floor;
      columnLeft[s] = (columnLeft[s] as number) - floor;
    }
    cells.push(row);
    fractions.push(fraction);
    rowLeft.push((counts[l] as number) - sum);
  }
  // extra[l][s] = 1 when cell (l, s) was rounded up.
  const extra = cells.map((row) => row.map(() => 0));
  const candidates: Array<{l: number; s: number; fraction: number}> = [];
  for (let l = 0; l < strata; l++) {
    for (let s = 0; s < splits; s++) {
      const fraction = (fractions[l] as number[])[s] as number;
      if (fraction > 0) candidates.push({l, s, fraction});
    }
  }
  candidates.sort((a, b) => b.fraction - a.fraction || a.l - b.l || a.s - b.s);
  for (const {l, s} of candidates) {
    if ((rowLeft[l] as number) > 0 && (columnLeft[s] as number) > 0) {
      (extra[l] as number[])[s] = 1;
      rowLeft[l] = (rowLeft[l] as number) - 1;
      columnLeft[s] = (columnLeft[s] as number) - 1;
    }
  }
  for (let l = 0; l < strata; l++) {
    while ((rowLeft[l] as number) > 0) {
      if (!augment(l, extra, fractions, columnLeft)) {
        throw new Error(`controlled rounding found no rounding for stratum ${l}; the split sizes do not round the ratios`);
      }
      rowLeft[l] = (rowLeft[l] as number) - 1;
    }
  }
  return cells.map((row, l) => row.map((floor, s) => floor + ((extra[l] as number[])[s] as number)));
}

/**
 * Places one more leftover unit of stratum `start`: a breadth-first search alternates between rounding a cell
 * up (stratum → split) and rounding another stratum's cell in that split back down (split → stratum), until it
 * reaches a split that still needs units.
 */
function augment(start: number, extra: number[][], fractions: readonly number[][], columnLeft: number[]): boolean {
  const strata = extra.length;
  const splits = columnLeft.length;
  const labelFrom = new Array<number>(strata).fill(-2);
  const splitFrom = new Array<number>(splits).fill(-1);
  labelFrom[start] = -1;
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const l = queue[head] as number;
    for (let s = 0; s < splits; s++) {
      if ((splitFrom[s] as number) !== -1 || ((extra[l] as number[])[s] as number) === 1) continue;
      if (((fractions[l] as number[])[s] as number) <= 0) continue;
      splitFrom[s] = l;
      if ((columnLeft[s] as number) > 0) {
        columnLeft[s] = (columnLeft[s] as number) - 1;
        let split = s;
        for (;;) {
          const label = splitFrom[split] as number;
          (extra[label] as number[])[split] = 1;
          const previous = labelFrom[label] as number;
          if (previous === -1) return true;
          (extra[label] as number[])[previous] = 0;
          split = previous;
        }
      }
      for (let other = 0; other < strata; other++) {
        if ((labelFrom[other] as number) === -2 && ((extra[other] as number[])[s] as number) === 1) {
          labelFrom[other] = s;
          queue.push(other);
        }
      }
    }
  }
  return false;
}
