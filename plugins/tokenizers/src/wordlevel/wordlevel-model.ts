import {CodexError, ExitCode} from '@codex-ml/core';
import {type JsonObject, OrderedJsonObject} from '../pipeline/json-value.js';
import type {Model, ModelToken} from '../pipeline/model.js';

/**
 * A whole-word vocabulary (tokenizer.json model type `WordLevel`): each pre-token is one token, its id or the
 * unknown token's.
 */
export class WordLevelModel implements Model {
  readonly type = 'WordLevel';
  readonly unkToken: string;
  readonly vocabSize: number;
  readonly #vocab: Map<string, number>;
  readonly #tokens: (string | undefined)[];

  constructor(vocab: ReadonlyMap<string, number>, unkToken = '<unk>') {
    this.unkToken = unkToken;
    this.#vocab = new Map(vocab);
    let size = 0;
    for (const id of vocab.values()) size = Math.max(size, id + 1);
    this.vocabSize = size;
    this.#tokens = Array.from({length: size}, () => undefined);
    for (const [token, id] of vocab) this.#tokens[id] = token;
  }

  vocabEntries(): [string, number][] {
    const entries: [string, number][] = [];
    this.#tokens.forEach((token, id) => {
      if (token !== undefined) entries.push([token, id]);
    });
    return entries;
  }

  tokenize(piece: string): ModelToken[] {
    if (piece.length === 0) return [];
    const id = this.#vocab.get(piece) ?? this.#vocab.get(this.unkToken);
    if (id === undefined) {
      throw new CodexError(
        'E_TOKENIZER',
        `WordLevel: "${piece.slice(0, 40)}" is not in the vocabulary and unk_token "${this.unkToken}" is missing`,
        {
          hint: 'add the unknown token to the vocabulary',
          exitCode: ExitCode.input,
        },
      );
    }
    return [{id, start: 0, end: piece.length}];
  }

  tokenToId(token: string): number | undefined {
    return this.#vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.#tokens[id] : undefined;
  }

  toJSON(): JsonObject {
    return {type: this.type, vocab: new OrderedJsonObject(this.vocabEntries()), unk_token: this.unkToken};
  }
}
