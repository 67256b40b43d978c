/** A JSON value as written to tokenizer.json. */
export type JsonValue = null | boolean | number | string | JsonValue[] | OrderedJsonObject | {[key: string]: JsonValue};
export type JsonObject = {[key: string]: JsonValue};

/**
 * An object whose keys must keep a given order even when they look like integers (plain objects put "12"
 * before "a"); used for vocabularies, written in id order.
 */
export class OrderedJsonObject {
  readonly entries: readonly (readonly [string, JsonValue])[];

  constructor(entries: readonly (readonly [string, JsonValue])[]) {
    this.entries = entries;
  }
}
