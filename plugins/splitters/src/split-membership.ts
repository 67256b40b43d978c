/**
 * The contract's id → split name map, backed by the arrays a splitter already holds (ids in input order and a
 * split index per item) instead of a `Map` of every id.
 *
 * Why: a `Map` of a million string ids costs more than the whole split (hashing every id, rehashing as it
 * grows, garbage). Callers mostly iterate; the id → position index a lookup needs is built on the first
 * `get`/`has` only. Iteration order is the input order, as a `Map` filled in that order would give.
 */
export class SplitMembership implements ReadonlyMap<string, string> {
  // ES private fields: like a Map's entries they are not own enumerable properties (JSON.stringify gives {}).
  readonly #ids: readonly string[];
  readonly #splitIndex: Uint16Array;
  readonly #names: readonly string[];
  #index: Map<string, number> | undefined;

  constructor(ids: readonly string[], splitIndex: Uint16Array, names: readonly string[]) {
    this.#ids = ids;
    this.#splitIndex = splitIndex;
    this.#names = names;
  }

  get size(): number {
    return this.#ids.length;
  }

  get(id: string): string | undefined {
    const position = this.positions().get(id);
    return position === undefined ? undefined : this.splitAt(position);
  }

  has(id: string): boolean {
    return this.positions().has(id);
  }

  forEach(callback: (split: string, id: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.#ids.length; i++) callback.call(thisArg, this.splitAt(i), this.#ids[i] as string, this);
  }

  *entries(): MapIterator<[string, string]> {
    for (let i = 0; i < this.#ids.length; i++) yield [this.#ids[i] as string, this.splitAt(i)];
  }

  *keys(): MapIterator<string> {
    for (let i = 0; i < this.#ids.length; i++) yield this.#ids[i] as string;
  }

  *values(): MapIterator<string> {
    for (let i = 0; i < this.#ids.length; i++) yield this.splitAt(i);
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'SplitMembership';
  }

  private splitAt(position: number): string {
    return this.#names[this.#splitIndex[position] as number] as string;
  }

  private positions(): Map<string, number> {
    if (this.#index === undefined) {
      this.#index = new Map();
      for (let i = 0; i < this.#ids.length; i++) this.#index.set(this.#ids[i] as string, i);
    }
    return this.#index;
  }
}
