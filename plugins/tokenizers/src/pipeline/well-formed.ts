const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The documented rule for input that is not valid Unicode: each lone surrogate becomes U+FFFD (one code unit
 * for one, so offsets are unchanged). Same as `String.prototype.toWellFormed` and every UTF-8 encoder.
 */
export function wellFormed(text: string): string {
  return SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}
