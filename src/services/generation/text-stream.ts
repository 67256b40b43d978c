/**
 * Turns the decoded text of a growing token sequence into chunks that are safe to print as they come.
 *
 * Two things are held back until the next token settles them: a trailing U+FFFD (a byte-level token that ends
 * inside a multi-byte character decodes to it until the rest of the character arrives), and a tail that could
 * be the beginning of a stop string (so a stop string is never half printed). Once a stop string appears, the
 * text ends just before it.
 */
export class TextStream {
  readonly #stops: readonly string[];
  #emitted = 0;
  #text = '';
  #stopped = false;

  constructor(stops: readonly string[] = []) {
    this.#stops = stops.filter((stop) => stop.length > 0);
  }

  /** True once a stop string was seen. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** The final text: everything before the first stop string. */
  get text(): string {
    return this.#text;
  }

  /** Takes the whole decoded text so far; returns the new printable chunk (possibly empty). */
  update(decoded: string): string {
    if (this.#stopped) return '';
    const stopAt = this.#firstStop(decoded);
    if (stopAt >= 0) {
      this.#stopped = true;
      this.#text = decoded.slice(0, stopAt);
      return this.#emit(this.#text.length);
    }
    this.#text = decoded;
    let safe = decoded.length;
    while (safe > this.#emitted && decoded.charCodeAt(safe - 1) === 0xfffd) safe--;
    safe -= this.#pendingStopPrefix(decoded.slice(0, safe));
    return this.#emit(safe);
  }

  /** Everything not printed yet (at the end of a sample). */
  flush(): string {
    return this.#emit(this.#text.length);
  }

  #emit(upTo: number): string {
    if (upTo <= this.#emitted) return '';
    const chunk = this.#text.slice(this.#emitted, upTo);
    this.#emitted = upTo;
    return chunk;
  }

  #firstStop(text: string): number {
    let first = -1;
    // Only the unprinted tail (plus a stop's length of overlap) can hold a stop string that is new.
    for (const stop of this.#stops) {
      const at = text.indexOf(stop, Math.max(0, this.#emitted - stop.length + 1));
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    return first;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
  #pendingStopPrefix(text: string): number {
    let longest = 0;
    for (const stop of this.#stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
