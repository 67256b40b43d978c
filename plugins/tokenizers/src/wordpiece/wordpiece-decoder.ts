import {WORDPIECE_CLEANUP as CLEANUP} from '../pipeline/cleanup.js';
import type {Decoder} from '../pipeline/decoder.js';
import type {JsonObject} from '../pipeline/json-value.js';

/**
 * Joins WordPiece tokens back into text (tokenizer.json decoder type `WordPiece`): a continuation piece loses its
 * prefix and sticks to the previous token, any other token is preceded by a space; with `cleanup`, the space
 * before `.`, `?`, `!` and `,` is dropped. Whitespace and punctuation spacing of the input are not recorded by
 * the model, so decoding gives back words separated by single spaces.
 */
export class WordPieceDecoder implements Decoder {
  readonly type = 'WordPiece';
  readonly prefix: string;
  readonly cleanup: boolean;

  constructor(prefix = '##', cleanup = true) {
    this.prefix = prefix;
    this.cleanup = cleanup;
  }

  decode(tokens: readonly string[]): string {
    return this.decodeChain(tokens).join('');
  }

  decodeChain(tokens: readonly string[]): string[] {
    return tokens.map((token, i) => {
      let piece = token;
      if (i > 0) piece = piece.startsWith(this.prefix) ? piece.slice(this.prefix.length) : ` ${piece}`;
      if (this.cleanup) for (const [from, to] of CLEANUP) piece = piece.replaceAll(from, to);
      return piece;
    });
  }

  toJSON(): JsonObject {
    return {type: this.type, prefix: this.prefix, cleanup: this.cleanup};
  }
}
