/**
 * A double-array trie (Aoe's) over keys of small positive integer codes: the child of state `s` by code `c` is
 * `t = base(s) + c` when `check(t) === s`. Two array reads per step, and far more compact than a hash of edges.
 * The root is state 0. Each state's fields sit together in `cells` (base, check, value, unused) so that a step
 * touches one cache line; `value` is the value of the key ending at the state, −1 when none.
 */
export class DoubleArrayTrie {
  /** Per state, from `state * 4`: base, check (−1 for a free cell), value. */
  readonly cells: Int32Array;

  private constructor(cells: Int32Array) {
    this.cells = cells;
  }

  /** The state reached from `state` by `code`, −1 when none. */
  child(state: number, code: number): number {
    const next = (this.cells[state * 4] as number) + code;
    return next * 4 < this.cells.length && this.cells[next * 4 + 1] === state ? next : -1;
  }

  /** The value of the key ending at `state`, −1 when none. */
  value(state: number): number {
    return this.cells[state * 4 + 2] as number;
  }

  /**
   * Builds the trie of `count` keys given by `length(k)` and `code(k, depth)` (codes ≥ 1), which must be sorted
   * (lexicographically by code) and distinct; key `k` gets the value `value(k)`.
   */
  static build(
    count: number,
    length: (key: number) => number,
    code: (key: number, depth: number) => number,
    value: (key: number) => number,
  ): DoubleArrayTrie {
    const cells = new FreeCells(Math.max(1024, count * 2));
    const codes: number[] = [];
    const bounds: number[] = [];
    // Work items: state, key range [lo, hi) sharing the first `depth` codes.
    const stack: number[] = [0, 0, count, 0];
    while (stack.length > 0) {
      const depth = stack.pop() as number;
      const hi = stack.pop() as number;
      let lo = stack.pop() as number;
      const state = stack.pop() as number;
      if (lo < hi && length(lo) === depth) {
        cells.values[state] = value(lo);
        lo++;
      }
      if (lo === hi) continue;
      codes.length = 0;
      bounds.length = 0;
      for (let k = lo; k < hi; k++) {
        const c = code(k, depth);
        if (codes.length === 0 || codes[codes.length - 1] !== c) {
          codes.push(c);
          bounds.push(k);
        }
      }
      bounds.push(hi);
      const chosen = cells.place(codes, state);
      cells.base[state] = chosen;
      for (let g = codes.length - 1; g >= 0; g--)
        stack.push(chosen + (codes[g] as number), bounds[g] as number, bounds[g + 1] as number, depth + 1);
    }
    const {base, check, values} = cells;
    let used = check.length;
    while (used > 1 && check[used - 1] === -1) used--;
    const packed = new Int32Array(used * 4);
    for (let state = 0; state < used; state++) {
      packed[state * 4] = base[state] as number;
      packed[state * 4 + 1] = check[state] as number;
      packed[state * 4 + 2] = values[state] as number;
    }
    return new DoubleArrayTrie(packed);
  }
}

/** Searches this many free cells for a base of several children before giving up on the oldest holes. */
const TRIALS = 32;

/**
 * The cells of a double array while it is built, free ones in a linked list: single children fill the lowest free
 * cell; nodes with several children search from a head that moves on past holes that keep not fitting, so the
 * search stays short (at the price of a few unused cells).
 */
class FreeCells {
  base: Int32Array;
  check: Int32Array;
  values: Int32Array;
  #next: Int32Array;
  #previous: Int32Array;
  /** Lowest free cell, and where searches for several children start (both −1 when none is free). */
  #head = -1;
  #multiHead = -1;
  #tail = -1;

  constructor(size: number) {
    this.base = new Int32Array(0);
    this.check = new Int32Array(0);
    this.values = new Int32Array(0);
    this.#next = new Int32Array(0);
    this.#previous = new Int32Array(0);
    this.#grow(size);
    this.check[0] = 0;
    this.#unlink(0);
  }

  /** Finds a base whose cells for `codes` (ascending, ≥ 1) are free and claims them for `state`. */
  place(codes: readonly number[], state: number): number {
    const first = codes[0] as number;
    const last = codes[codes.length - 1] as number;
    const several = codes.length > 1;
    let trials = 0;
    for (let at = several ? this.#multiHead : this.#head; ; ) {
      if (at < 0) {
        at = this.check.length;
        this.#grow(this.check.length * 2);
      }
      const candidate = at - first;
      if (candidate >= 1) {
        while (candidate + last >= this.check.length) this.#grow(this.check.length * 2);
        let free = true;
        for (let g = 1; g < codes.length && free; g++) if (this.check[candidate + (codes[g] as number)] !== -1) free = false;
        if (free) {
          for (const c of codes) {
            this.check[candidate + c] = state;
            this.#unlink(candidate + c);
          }
          return candidate;
        }
      }
      if (several && ++trials > TRIALS && at === this.#multiHead) {
        this.#multiHead = this.#next[at] as number;
        trials = 0;
      }
      at = this.#next[at] as number;
    }
  }

  #unlink(cell: number): void {
    const next = this.#next[cell] as number;
    const previous = this.#previous[cell] as number;
    if (previous >= 0) this.#next[previous] = next;
    else this.#head = next;
    if (next >= 0) this.#previous[next] = previous;
    else this.#tail = previous;
    if (this.#multiHead === cell) this.#multiHead = next;
  }

  #grow(size: number): void {
    const old = this.check.length;
    const base = new Int32Array(size);
    const check = new Int32Array(size).fill(-1);
    const values = new Int32Array(size).fill(-1);
    const next = new Int32Array(size);
    const previous = new Int32Array(size);
    base.set(this.base);
    check.set(this.check);
    values.set(this.values);
    next.set(this.#next);
    previous.set(this.#previous);
    [this.base, this.check, this.values, this.#next, this.#previous] = [base, check, values, next, previous];
    for (let cell = old; cell < size; cell++) {
      previous[cell] = cell === old ? this.#tail : cell - 1;
      next[cell] = cell + 1 < size ? cell + 1 : -1;
    }
    if (this.#tail >= 0) next[this.#tail] = old;
    else this.#head = old;
    if (this.#multiHead < 0) this.#multiHead = old;
    this.#tail = size - 1;
  }
}
