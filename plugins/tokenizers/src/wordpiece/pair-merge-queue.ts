/** A candidate merge: a pair of symbol ids, its count when queued, and the words it was seen in. */
export interface PairMerge {
  /** `left * base + right` with every id below `base`: ordering keys orders pairs by (left, right). */
  readonly key: number;
  count: number;
  /** Indices of words holding the pair, ascending, no repeats. */
  readonly words: number[];
}

/**
 * Max-heap of candidate merges: highest count first, ties to the smallest pair (left id, then right id) — the
 * order of Hugging Face's BPE trainer, which makes training deterministic once ids are.
 */
export class PairMergeQueue {
  readonly #heap: PairMerge[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(merge: PairMerge): void {
    const heap = this.#heap;
    heap.push(merge);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(merge, heap[parent] as PairMerge)) break;
      heap[i] = heap[parent] as PairMerge;
      i = parent;
    }
    heap[i] = merge;
  }

  pop(): PairMerge | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right] as PairMerge, heap[left] as PairMerge) ? right : left;
      if (!before(heap[child] as PairMerge, last)) break;
      heap[i] = heap[child] as PairMerge;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: PairMerge, b: PairMerge): boolean {
  return a.count !== b.count ? a.count > b.count : a.key < b.key;
}
