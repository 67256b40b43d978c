import {WORDPIECE_CLEANUP} from './cleanup.js';
import type {Decoder} from './decoder.js';
import type {PrependScheme} from './metaspace.js';
import type {JsonObject} from './normalizer.js';
import {type TextPattern, forEachMatch} from './text-pattern.js';

/** `<0x41>`-style byte tokens become their bytes, decoded as UTF-8 (tokenizer.json type `ByteFallback`). */
export class ByteFallbackDecoder implements Decoder {
  readonly type = 'ByteFallback';
  readonly #utf8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});

  decodeChain(tokens: readonly string[]): string[] {
    const out: string[] = [];
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length === 0) return;
      try {
        out.push(this.#utf8.decode(Uint8Array.from(bytes)));
      } catch {
        // Invalid UTF-8: one replacement character per byte, as Hugging Face does.
        for (let i = 0; i < bytes.length; i++) out.push('\uFFFD');
      }
      bytes = [];
    };
    for (const token of tokens) {
      const byte = byteToken(token);
      if (byte === undefined) {
        flush();
        out.push(token);
      } else {
        bytes.push(byte);
      }
    }
    flush();
    return out;
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}

/** The byte a `<0xHH>` token stands for. */
export function byteToken(token: string): number | undefined {
  if (token.length !== 6 || !token.startsWith('<0x') || token[5] !== '>') return undefined;
  const hex = token.slice(3, 5);
  return /^[0-9A-Fa-f]{2}$/.test(hex) ? Number.parseInt(hex, 16) : undefined;
}

/** Joins all tokens into one string (tokenizer.json type `Fuse`). */
export class FuseDecoder implements Decoder {
  readonly type = 'Fuse';

  decodeChain(tokens: readonly string[]): string[] {
    return [tokens.join('')];
  }

  toJSON(): JsonObject {
    return {type: this.type};
  }
}

/** Removes up to `start` leading and `stop` trailing `content` characters from each token (type `Strip`). */
export class StripDecoder implements Decoder {
  readonly type = 'Strip';
  readonly content: string;
  readonly start: number;
  readonly stop: number;

  constructor(content: string, start: number, stop: number) {
    this.content = content;
    this.start = start;
    this.stop = stop;
  }

  decodeChain(tokens: readonly string[]): string[] {
    return tokens.map((token) => {
      const chars = [...token];
      let from = 0;
      while (from < this.start && from < chars.length && chars[from] === this.content) from++;
      let to = chars.length;
      while (chars.length - to < this.stop && to > from && chars[to - 1] === this.content) to--;
      return chars.slice(from, to).join('');
    });
  }

  toJSON(): JsonObject {
    return {type: this.type, content: this.content, start: this.start, stop: this.stop};
  }
}

/** Replaces every match of a pattern in each token (tokenizer.json type `Replace`, e.g. `▁` → space). */
export class ReplaceDecoder implements Decoder {
  readonly type = 'Replace';
  readonly pattern: TextPattern;
  readonly content: string;

  constructor(pattern: TextPattern, content: string) {
    this.pattern = pattern;
    this.content = content;
  }

  decodeChain(tokens: readonly string[]): string[] {
    return tokens.map((token) => {
      let out = '';
      let at = 0;
      forEachMatch(this.pattern, token, (start, end) => {
        out += token.slice(at, start) + this.content;
        at = end;
      });
      return at === 0 ? token : out + token.slice(at);
    });
  }

  toJSON(): JsonObject {
    return {type: this.type, pattern: this.pattern.toJSON(), content: this.content};
  }
}

/**
 * Undoes Metaspace (tokenizer.json type `Metaspace`): the replacement character becomes a space, except in the
 * first token where it is dropped unless the prepend scheme is `never`.
 */
export class MetaspaceDecoder implements Decoder {
  readonly type = 'Metaspace';
  readonly replacement: string;
  readonly prependScheme: PrependScheme;
  readonly split: boolean;

  constructor(replacement = '▁', prependScheme: PrependScheme = 'always', split = true) {
    this.replacement = replacement;
    this.prependScheme = prependScheme;
    this.split = split;
  }

  decodeChain(tokens: readonly string[]): string[] {
    return tokens.map((token, i) => {
      const drop = i === 0 && this.prependScheme !== 'never';
      return token.replaceAll(this.replacement, drop ? '' : ' ');
    });
  }

  toJSON(): JsonObject {
    return {type: this.type, replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split};
  }
}

/** Original BPE's end-of-word suffix becomes a space, the last one nothing (tokenizer.json type `BPEDecoder`). */
export class BpeSuffixDecoder implements Decoder {
  readonly type = 'BPEDecoder';
  readonly suffix: string;

  constructor(suffix = '</w>') {
    this.suffix = suffix;
  }

  decodeChain(tokens: readonly string[]): string[] {
    return tokens.map((token, i) => token.replaceAll(this.suffix, i === tokens.length - 1 ? '' : ' '));
  }

  toJSON(): JsonObject {
    return {type: this.type, suffix: this.suffix};
  }
}

/** CTC output (tokenizer.json type `CTC`): repeats collapsed, pad tokens dropped, the word delimiter a space. */
export class CtcDecoder implements Decoder {
  readonly type = 'CTC';
  readonly padToken: string;
  readonly wordDelimiterToken: string;
  readonly cleanup: boolean;

  constructor(padToken = '<pad>', wordDelimiterToken = '|', cleanup = true) {
    this.padToken = padToken;
    this.wordDelimiterToken = wordDelimiterToken;
    this.cleanup = cleanup;
  }

  decodeChain(tokens: readonly string[]): string[] {
    const out: string[] = [];
    tokens.forEach((token, i) => {
      if (i > 0 && tokens[i - 1] === token) return;
      let text = token.replaceAll(this.padToken, '');
      if (this.cleanup) {
        for (const [from, to] of WORDPIECE_CLEANUP) text = text.replaceAll(from, to);
        text = text.replaceAll(this.wordDelimiterToken, ' ');
      }
      if (text !== '') out.push(text);
    });
    return out;
  }

  toJSON(): JsonObject {
    return {type: this.type, pad_token: this.padToken, word_delimiter_token: this.wordDelimiterToken, cleanup: this.cleanup};
  }
}

/** Decoders applied in order, each to the previous one's tokens (tokenizer.json type `Sequence`). */
export class SequenceDecoder implements Decoder {
  readonly type = 'Sequence';
  readonly decoders: readonly Decoder[];

  constructor(decoders: readonly Decoder[]) {
    this.decoders = [...decoders];
  }

  decodeChain(tokens: readonly string[]): string[] {
    let current = [...tokens];
    for (const decoder of this.decoders) current = decoder.decodeChain(current);
    return current;
  }

  toJSON(): JsonObject {
    return {type: this.type, decoders: this.decoders.map((decoder) => decoder.toJSON())};
  }
}
