/**
 * A trie of vocabulary pieces over UTF-16 code units, stored as flat arrays: for each node its children are
 * found through one hash map keyed by `node * 65536 + code unit`. Used for the common-prefix search of Viterbi.
 */
export class PieceTrie {
  readonly #children = new Map<number, number>();
  /** Piece id ending at each node, −1 when none. */
  #ids: Int32Array = new Int32Array(1024).fill(-1);
  #nodes = 1;

  insert(piece: string, id: number): void {
    let node = 0;
    for (let i = 0; i < piece.length; i++) {
      const key = node * 65536 + piece.charCodeAt(i);
      let child = this.#children.get(key);
      if (child === undefined) {
        child = this.#nodes++;
        if (child >= this.#ids.length) {
          const grown = new Int32Array(this.#ids.length * 2).fill(-1);
          grown.set(this.#ids);
          this.#ids = grown;
        }
        this.#children.set(key, child);
      }
      node = child;
    }
    if (this.#ids[node] === -1) this.#ids[node] = id;
  }

  /** The child of `node` by code unit, −1 when none (0 is the root). */
  child(node: number, unit: number): number {
    return this.#children.get(node * 65536 + unit) ?? -1;
  }

  /** The piece id ending at `node`, −1 when none. */
  idAt(node: number): number {
    return this.#ids[node] as number;
  }

  /** Calls `visit(end, id)` for every piece that starts at `start` in `text`, shortest first. */
  forEachPrefix(text: string, start: number, visit: (end: number, id: number) => void): void {
    let node = 0;
    const children = this.#children;
    const ids = this.#ids;
    for (let i = start; i < text.length; i++) {
      const child = children.get(node * 65536 + text.charCodeAt(i));
      if (child === undefined) return;
      node = child;
      const id = ids[node] as number;
      // A piece never ends inside a surrogate pair.
      if (id >= 0) {
        const code = text.charCodeAt(i);
        if (!(code >= 0xd800 && code <= 0xdbff && i + 1 < text.length)) visit(i + 1, id);
      }
    }
  }
}
