/**
 * Suffix array by prefix doubling with radix sort, O(n log n); `text` holds symbol codes in [0, alphabet).
 */
export function suffixArray(text: Int32Array, alphabet: number): Int32Array {
  const n = text.length;
  const sa = new Int32Array(n);
  if (n === 0) return sa;
  let rank = new Int32Array(n);
  let next = new Int32Array(n);
  const temp = new Int32Array(n);
  // Initial order: counting sort by symbol.
  const count = new Int32Array(Math.max(alphabet, n) + 1);
  for (let i = 0; i < n; i++) (count[(text[i] as number) + 1] as number)++;
  for (let i = 1; i < count.length; i++) count[i] = (count[i] as number) + (count[i - 1] as number);
  for (let i = 0; i < n; i++) sa[(count[text[i] as number] as number)++] = i;
  rank[sa[0] as number] = 0;
  let classes = 1;
  for (let i = 1; i < n; i++) {
    if (text[sa[i] as number] !== text[sa[i - 1] as number]) classes++;
    rank[sa[i] as number] = classes - 1;
  }
  for (let k = 1; classes < n; k <<= 1) {
    // Sort by (rank[i], rank[i + k]) with -1 past the end: first by second key via the previous order.
    let p = 0;
    for (let i = n - k; i < n; i++) temp[p++] = i;
    for (let i = 0; i < n; i++) if ((sa[i] as number) >= k) temp[p++] = (sa[i] as number) - k;
    count.fill(0, 0, classes + 1);
    for (let i = 0; i < n; i++) (count[(rank[i] as number) + 1] as number)++;
    for (let i = 1; i <= classes; i++) count[i] = (count[i] as number) + (count[i - 1] as number);
    for (let i = 0; i < n; i++) {
      const s = temp[i] as number;
      sa[(count[rank[s] as number] as number)++] = s;
    }
    next[sa[0] as number] = 0;
    classes = 1;
    for (let i = 1; i < n; i++) {
      const a = sa[i - 1] as number;
      const b = sa[i] as number;
      const a2 = a + k < n ? (rank[a + k] as number) : -1;
      const b2 = b + k < n ? (rank[b + k] as number) : -1;
      if (rank[a] !== rank[b] || a2 !== b2) classes++;
      next[b] = classes - 1;
    }
    [rank, next] = [next, rank];
  }
  return sa;
}

/** Kasai's LCP array: `lcp[i]` is the common prefix length of suffixes `sa[i - 1]` and `sa[i]` (`lcp[0]` = 0). */
export function lcpArray(text: Int32Array, sa: Int32Array): Int32Array {
  const n = text.length;
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[sa[i] as number] = i;
  const lcp = new Int32Array(n);
  let h = 0;
  for (let i = 0; i < n; i++) {
    const r = rank[i] as number;
    if (r > 0) {
      const j = sa[r - 1] as number;
      while (i + h < n && j + h < n && text[i + h] === text[j + h]) h++;
      lcp[r] = h;
      if (h > 0) h--;
    } else {
      h = 0;
    }
  }
  return lcp;
}

/**
 * Visits every internal node of the suffix tree (an lcp-interval): a substring occurring at least twice that is
 * followed by two different symbols somewhere, as `(offset of one occurrence, length, [from, to) range in sa)`.
 */
export function forEachRepeat(
  sa: Int32Array,
  lcp: Int32Array,
  visit: (offset: number, length: number, from: number, to: number) => void,
): void {
  const n = sa.length;
  const depths: number[] = [0];
  const lefts: number[] = [0];
  for (let i = 1; i <= n; i++) {
    const current = i < n ? (lcp[i] as number) : 0;
    let left = i - 1;
    while (current < (depths[depths.length - 1] as number)) {
      const depth = depths.pop() as number;
      left = lefts.pop() as number;
      visit(sa[left] as number, depth, left, i);
    }
    if (current > (depths[depths.length - 1] as number)) {
      depths.push(current);
      lefts.push(left);
    }
  }
}
