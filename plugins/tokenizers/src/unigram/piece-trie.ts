/**
 * A trie of vocabulary pieces over UTF-16 code units, stored as flat arrays: the children of all nodes live in one
 * open-addressing hash table keyed by (node, code unit). Typed arrays instead of a `Map` because the
 * common-prefix search runs once per character of every word the Unigram trainer and model see.
 */
export class PieceTrie {
  /** Parent node + 1 of each slot (0: empty), its code unit, and the child node. */
  #slotNodes = new Int32Array(1 << 12);
  #slotUnits = new Uint16Array(1 << 12);
  #slotChildren = new Int32Array(1 << 12);
  #mask = (1 << 12) - 1;
  #edges = 0;
  /** Piece id ending at each node, −1 when none. */
  #ids: Int32Array = new Int32Array(1024).fill(-1);
  #nodes = 1;

  insert(piece: string, id: number): void {
    let node = 0;
    for (let i = 0; i < piece.length; i++) {
      const unit = piece.charCodeAt(i);
      let child = this.child(node, unit);
      if (child < 0) {
        child = this.#nodes++;
        if (child >= this.#ids.length) {
          const grown = new Int32Array(this.#ids.length * 2).fill(-1);
          grown.set(this.#ids);
          this.#ids = grown;
        }
        this.#add(node, unit, child);
      }
      node = child;
    }
    if (this.#ids[node] === -1) this.#ids[node] = id;
  }

  /** The child of `node` by code unit, −1 when none (0 is the root). */
  child(node: number, unit: number): number {
    const nodes = this.#slotNodes;
    const mask = this.#mask;
    for (let slot = slotOf(node, unit, mask); ; slot = (slot + 1) & mask) {
      const stored = nodes[slot] as number;
      if (stored === 0) return -1;
      if (stored === node + 1 && this.#slotUnits[slot] === unit) return this.#slotChildren[slot] as number;
    }
  }

  /** The piece id ending at `node`, −1 when none. */
  idAt(node: number): number {
    return this.#ids[node] as number;
  }

  /** Calls `visit(end, id)` for every piece that starts at `start` in `text`, shortest first. */
  forEachPrefix(text: string, start: number, visit: (end: number, id: number) => void): void {
    let node = 0;
    const ids = this.#ids;
    for (let i = start; i < text.length; i++) {
      node = this.child(node, text.charCodeAt(i));
      if (node < 0) return;
      const id = ids[node] as number;
      // A piece never ends inside a surrogate pair.
      if (id >= 0) {
        const code = text.charCodeAt(i);
        if (!(code >= 0xd800 && code <= 0xdbff && i + 1 < text.length)) visit(i + 1, id);
      }
    }
  }

  #add(node: number, unit: number, child: number): void {
    // At most half full, so probe runs stay short.
    if ((this.#edges + 1) * 2 > this.#slotNodes.length) this.#grow();
    const mask = this.#mask;
    let slot = slotOf(node, unit, mask);
    while (this.#slotNodes[slot] !== 0) slot = (slot + 1) & mask;
    this.#slotNodes[slot] = node + 1;
    this.#slotUnits[slot] = unit;
    this.#slotChildren[slot] = child;
    this.#edges++;
  }

  #grow(): void {
    const [nodes, units, children] = [this.#slotNodes, this.#slotUnits, this.#slotChildren];
    const size = nodes.length * 2;
    this.#slotNodes = new Int32Array(size);
    this.#slotUnits = new Uint16Array(size);
    this.#slotChildren = new Int32Array(size);
    this.#mask = size - 1;
    this.#edges = 0;
    for (let slot = 0; slot < nodes.length; slot++) {
      const stored = nodes[slot] as number;
      if (stored !== 0) this.#add(stored - 1, units[slot] as number, children[slot] as number);
    }
  }
}

function slotOf(node: number, unit: number, mask: number): number {
  let hash = Math.imul(node, 0x9e3779b1) ^ unit;
  hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
  return (hash ^ (hash >>> 13)) & mask;
}
