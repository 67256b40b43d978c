/**
 * Max-heap of candidate merges `(count, a, b)` in typed arrays. Order: higher count first; on equal counts the
 * smaller pair `(a, b)` first, compared by `a` then `b` — the tie-break of Hugging Face's `impl Ord for Merge`,
 * which makes training independent of input order. Entries may be stale; the trainer checks on pop.
 */
export class MergeQueue {
  #counts = new Float64Array(1024);
  #left = new Int32Array(1024);
  #right = new Int32Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(count: number, a: number, b: number): void {
    if (this.#size === this.#counts.length) this.#grow();
    let at = this.#size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#before(count, a, b, parent)) break;
      this.#move(parent, at);
      at = parent;
    }
    this.#counts[at] = count;
    this.#left[at] = a;
    this.#right[at] = b;
  }

  /** Removes the top entry, writing it to `out` as `[count, a, b]`; false when empty. */
  pop(out: Float64Array): boolean {
    if (this.#size === 0) return false;
    out[0] = this.#counts[0] as number;
    out[1] = this.#left[0] as number;
    out[2] = this.#right[0] as number;
    const last = --this.#size;
    if (last === 0) return true;
    const count = this.#counts[last] as number;
    const a = this.#left[last] as number;
    const b = this.#right[last] as number;
    let at = 0;
    for (;;) {
      let child = at * 2 + 1;
      if (child >= last) break;
      if (child + 1 < last && this.#ranksBefore(child + 1, child)) child++;
      if (this.#before(count, a, b, child)) break;
      this.#move(child, at);
      at = child;
    }
    this.#counts[at] = count;
    this.#left[at] = a;
    this.#right[at] = b;
    return true;
  }

  /** Whether `(count, a, b)` goes before the entry at `index`. */
  #before(count: number, a: number, b: number, index: number): boolean {
    const other = this.#counts[index] as number;
    if (count !== other) return count > other;
    const otherA = this.#left[index] as number;
    if (a !== otherA) return a < otherA;
    return b < (this.#right[index] as number);
  }

  #ranksBefore(i: number, j: number): boolean {
    return this.#before(this.#counts[i] as number, this.#left[i] as number, this.#right[i] as number, j);
  }

  #move(from: number, to: number): void {
    this.#counts[to] = this.#counts[from] as number;
    this.#left[to] = this.#left[from] as number;
    this.#right[to] = this.#right[from] as number;
  }

  #grow(): void {
    const grow = <T extends Float64Array | Int32Array>(array: T, make: (n: number) => T): T => {
      const next = make(array.length * 2);
      next.set(array);
      return next;
    };
    this.#counts = grow(this.#counts, (n) => new Float64Array(n));
    this.#left = grow(this.#left, (n) => new Int32Array(n));
    this.#right = grow(this.#right, (n) => new Int32Array(n));
  }
}
