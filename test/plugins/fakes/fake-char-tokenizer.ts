import {CodexError, type EncodeOptions, type Encoding, type Offsets, type SpecialTokens, type Tokenizer} from '@codex-ml/core';

const SPECIALS = ['[PAD]', '[UNK]'] as const;
const ALPHABET = ' abcdefghijklmnopqrstuvwxyz';

/**
 * A character-level tokenizer over lowercase ASCII letters and space: the smallest model that has every part
 * of the contract (specials, padding, save/load). `padMaskBug` breaks the padding invariant.
 */
export class FakeCharTokenizer implements Tokenizer {
  readonly modelType = 'CharLevel';
  readonly specialTokens: SpecialTokens = {pad: '[PAD]', unk: '[UNK]'};
  readonly #vocab: readonly string[] = [...SPECIALS, ...ALPHABET];

  constructor(private readonly padMaskBug = false) {}

  static load(json: string, padMaskBug = false): FakeCharTokenizer {
    const document = JSON.parse(json) as {model?: {type?: string}};
    if (document.model?.type !== 'CharLevel') throw new CodexError('E_TOKENIZER', 'not a CharLevel tokenizer.json');
    return new FakeCharTokenizer(padMaskBug);
  }

  get vocabSize(): number {
    return this.#vocab.length;
  }

  normalize(text: string): string {
    return text.toLowerCase();
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    const ids: number[] = [];
    const offsets: Offsets[] = [];
    [...this.normalize(text)].forEach((char, i) => {
      const id = this.#vocab.indexOf(char);
      ids.push(id >= SPECIALS.length ? id : 1);
      offsets.push([i, i + 1]);
    });
    const real = ids.length;
    const target = typeof options.padding?.length === 'number' ? Math.max(options.padding.length, real) : real;
    const pads = target - real;
    const left = options.padding?.side === 'left';
    const padIds = Array<number>(pads).fill(0);
    const all = left ? [...padIds, ...ids] : [...ids, ...padIds];
    const padOffsets = Array<Offsets>(pads).fill([0, 0]);
    const mask = (padValue: number, realValue: number) =>
      left
        ? [...Array(pads).fill(padValue), ...Array(real).fill(realValue)]
        : [...Array(real).fill(realValue), ...Array(pads).fill(padValue)];
    return {
      ids: all,
      tokens: all.map((id) => this.#vocab[id] ?? '[UNK]'),
      offsets: left ? [...padOffsets, ...offsets] : [...offsets, ...padOffsets],
      attentionMask: mask(this.padMaskBug ? 1 : 0, 1),
      specialTokensMask: mask(1, 0),
      overflowing: [],
    };
  }

  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): Encoding[] {
    const longest = Math.max(0, ...texts.map((text) => [...text].length));
    const padding = options.padding?.length === 'longest' ? {...options.padding, length: longest} : options.padding;
    return texts.map((text) => this.encode(text, {...options, padding}));
  }

  decode(ids: readonly number[]): string {
    return ids
      .map((id) => {
        const token = this.#vocab[id];
        if (token === undefined) throw new CodexError('E_TOKENIZER', `cannot decode id ${id}: outside [0, ${this.vocabSize})`);
        return id < SPECIALS.length ? '' : token;
      })
      .join('');
  }

  tokenToId(token: string): number | undefined {
    const id = this.#vocab.indexOf(token);
    return id < 0 ? undefined : id;
  }

  idToToken(id: number): string | undefined {
    return this.#vocab[id];
  }

  toJSON(): string {
    const vocab = Object.fromEntries(this.#vocab.map((token, id) => [token, id]));
    return JSON.stringify({version: '1.0', model: {type: 'CharLevel', vocab}});
  }
}
